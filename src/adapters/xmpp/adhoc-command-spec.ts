/** What an ad-hoc command of the component's domain is (adhoc-commands.ts runs them): its form, who may run it, what it does. */
import type { Element } from "ltx";
import type { AdapterContext } from "../../core/adapter.js";
import type { Address } from "../../core/model/address.js";

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly required: boolean;
  /**
   * XEP-0004 field type (default text-single); text-private for a secret, which clients hide as it is typed; jid-multi
   * for several JIDs and text-multi for text of several lines (given to run() one a line); hidden for FORM_TYPE;
   * list-single for one of `options`.
   */
  readonly type?: "text-single" | "text-private" | "text-multi" | "boolean" | "jid-multi" | "hidden" | "list-single";
  /** The choices of a list-single field, each shown as its label. */
  readonly options?: readonly { readonly label: string; readonly value: string }[];
  /** The value the form starts with. */
  readonly value?: string;
}

export interface CommandSpec {
  readonly node: string;
  /** Who may list and run it: the gateway's admins, or anyone who reaches the domain. */
  readonly who: "admins" | "everyone";
  readonly name: string;
  readonly instructions: string;
  readonly fields: readonly FieldSpec[];
  /** `values`: each submitted field's value, a multi-valued field's values one a line. `noteType`: "info" by default. */
  run(requester: Address, values: ReadonlyMap<string, string>, context: AdapterContext): Promise<{ note: string; noteType?: "info" | "warn" | "error"; result?: Element }>;
  /**
   * The values the form starts with for this requester, in place of the fields' own (a multi-valued field's values
   * one a line): what is set now, for the requester to edit.
   */
  prefill?(requester: Address, context: AdapterContext): Promise<ReadonlyMap<string, string>>;
}

/** A submitted field's value, trimmed; "" when left out. */
export function required(values: ReadonlyMap<string, string>, name: string): string {
  return values.get(name)?.trim() ?? "";
}
