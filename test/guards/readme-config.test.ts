// The README documents every config key: its config section is exactly the generated table.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { it } from "node:test";
import { configSection, README } from "../../scripts/config-table.ts";

it("README's config section matches the schema (regenerate: node scripts/config-table.ts --write)", () => {
  const text = readFileSync(README, "utf8");
  const body = text.slice(text.indexOf("<!-- section:config -->") + "<!-- section:config -->".length, text.indexOf("<!-- /section:config -->")).trim();
  assert.equal(body, configSection().trim());
});
