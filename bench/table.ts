/**
 * How the benches print their tables (bench/report.ts, bench/xmpp-report.ts, bench/irc-report.ts): Markdown, the
 * first column left-aligned and the others right-aligned, numbers with thousands separators and a fixed number of
 * decimals, "-" where there is no figure. One module, so that every table of every bench reads alike and can be
 * pasted into docs/performance.md as it is.
 */

/** A figure with `digits` decimals and thousands separators; "-" for NaN or an infinity. */
export function format(value: number, digits: number): string {
  if (!Number.isFinite(value)) return "-";
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A Markdown table, its columns padded to the widest cell. */
export function markdownTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join(" | ")} |`;
  return [line(header), `|${widths.map((width, column) => (column === 0 ? "-".repeat(width + 2) : `${"-".repeat(width + 1)}:`)).join("|")}|`, ...body.map(line)].join("\n");
}
