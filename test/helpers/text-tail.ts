/**
 * The end of a stream of text, bounded: a test server's output kept for failure messages. ngIRCd 26.1 can log "Write
 * error ... Broken pipe" in a loop for a client closed abruptly until its ping timeout, so the whole output of a long
 * suite would grow without bound; the last `limit` characters say what a failure needs.
 */
export class TextTail {
  private text = "";
  /** Characters dropped from the front so far. */
  private dropped = 0;

  constructor(private readonly limit: number) {}

  append(chunk: string): void {
    this.text += chunk;
    // Cut once twice the limit is held, not at every chunk: a flood of small chunks costs no copy each.
    if (this.text.length > 2 * this.limit) this.cut(this.text.length - this.limit);
  }

  /** How many characters were ever appended: an offset for since(). */
  get written(): number {
    return this.dropped + this.text.length;
  }

  /** What was appended since `offset` (a `written` of before), as much of it as is kept. */
  since(offset: number): string {
    return this.kept().slice(Math.max(0, offset - this.firstKept()));
  }

  /** The last `limit` characters, after a note when earlier ones were dropped. */
  toString(): string {
    const kept = this.kept();
    return this.firstKept() === 0 ? kept : `[${this.firstKept()} earlier characters dropped]\n${kept}`;
  }

  private kept(): string {
    return this.text.length > this.limit ? this.text.slice(this.text.length - this.limit) : this.text;
  }

  /** The offset of the first character kept() gives. */
  private firstKept(): number {
    return this.dropped + Math.max(0, this.text.length - this.limit);
  }

  private cut(count: number): void {
    this.text = this.text.slice(count);
    this.dropped += count;
  }
}
