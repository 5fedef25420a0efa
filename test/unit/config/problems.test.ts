import assert from "node:assert/strict";
import type { ErrorObject } from "ajv";
import { describeAjvError, expectation, formatProblems, sortProblems } from "../../../src/config/problems.js";
import { substituteEnv } from "../../../src/config/env-substitution.js";

function ajvError(fields: Partial<ErrorObject> & Pick<ErrorObject, "keyword">): ErrorObject {
  return { instancePath: "", schemaPath: "#", params: {}, ...fields };
}

describe("describeAjvError", () => {
  it("names a missing required key and points at its parent's key", () => {
    const problem = describeAjvError(
      ajvError({ keyword: "required", instancePath: "/native", params: { missingProperty: "port" }, parentSchema: {} }),
      new Map(),
    );
    assert.deepEqual(problem, { segments: ["native", "port"], atKey: true, message: 'required key "port" is missing' });
  });

  it("decodes JSON pointer escapes in key paths", () => {
    const problem = describeAjvError(
      ajvError({ keyword: "type", instancePath: "/a~1b/c~0d", data: 1, parentSchema: { type: "string" } }),
      new Map(),
    );
    assert.deepEqual(problem.segments, ["a/b", "c~d"]);
    assert.equal(problem.message, "must be a string, got 1 (YAML reads an unquoted value that looks like a number as one: put it in quotes)");
  });
});

describe("expectation", () => {
  it("describes ranges, lengths and patterns in words", () => {
    assert.equal(expectation({ type: "integer", minimum: 0 }), "an integer of at least 0");
    assert.equal(expectation({ type: "number", maximum: 5 }), "a number of at most 5");
    assert.equal(expectation({ type: "string", minLength: 3 }), "a non-empty string of at least 3 characters");
    assert.equal(expectation({ type: "string", pattern: "^[a-z]+$" }), "a string matching the pattern ^[a-z]+$");
  });
});

describe("formatProblems", () => {
  it("prints one line per problem, leaving out what is unknown", () => {
    const text = formatProblems("s.yaml", [
      { path: "native.port", line: 3, column: 9, message: "bad" },
      { path: "", line: 1, column: 1, message: "whole document" },
      { path: "store", message: "no position" },
    ]);
    assert.equal(text, "s.yaml:3:9: native.port: bad\ns.yaml:1:1: whole document\ns.yaml: store: no position");
  });

  it("sorts problems in file order and drops repeats", () => {
    const sorted = sortProblems([
      { path: "b", line: 4, column: 1, message: "x" },
      { path: "z", message: "unplaced" },
      { path: "a", line: 2, column: 5, message: "y" },
      { path: "b", line: 4, column: 1, message: "x" },
    ]);
    assert.deepEqual(
      sorted.map((problem) => problem.path),
      ["a", "b", "z"],
    );
  });
});

describe("substituteEnv", () => {
  it("replaces ${NAME}, keeps $${ as a literal ${ and other dollars as written", () => {
    const result = substituteEnv("$A ${A}-${B} $${A} $$ $", { A: "1", B: "" });
    assert.equal(result.value, "$A 1- ${A} $$ $");
    assert.deepEqual(result.variables, ["A", "B"]);
    assert.deepEqual(result.missing, []);
    assert.equal(result.single, false);
  });

  it("reports unset variables and malformed references", () => {
    const result = substituteEnv("${UNSET} ${1X} ${", {});
    assert.deepEqual(result.missing, ["UNSET"]);
    assert.deepEqual(result.malformed, ["${1X}", "${"]);
  });

  it("recognises a value that is one reference and nothing else", () => {
    assert.equal(substituteEnv("${PORT}", { PORT: "1" }).single, true);
    assert.equal(substituteEnv(" ${PORT}", { PORT: "1" }).single, false);
  });
});
