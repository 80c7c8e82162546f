// Compiles the JSON Schemas certfleet validates against at every start — the playbook schema (and
// its task list), the host variables, every module's parameters — into one CommonJS file of
// standalone validators, dist/config/validators.cjs [ajv standalone code]. Compiling them at run time
// took ~50 ms of every `certfleet run`; loading the compiled file takes ~5 ms. src/config/validate.ts
// uses a validator from it when the schema is the same (same JSON), and compiles otherwise.
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const { AJV_OPTIONS } = await import('../dist/config/validate.js');
const { builtinModules } = await import('../dist/modules/builtin.js');

const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
const json = (name) => JSON.parse(readFileSync(`src/config/schemas/${name}.schema.json`, 'utf8'));
const refs = {};
/** export name -> the schema's JSON, so the runtime finds a validator by the schema it is given */
const keys = {};
for (const name of ['playbook', 'hostvars']) {
  const schema = json(name);
  ajv.addSchema(schema, `json:${name}`);
  refs[name] = `json:${name}`;
}
refs.taskList = 'json:playbook#/definitions/taskList';
builtinModules.forEach((m, i) => {
  ajv.addSchema(m.schema, `module:${m.name}`);
  refs[`module${i}`] = `module:${m.name}`;
  keys[`module${i}`] = JSON.stringify(m.schema);
});

const code = `${standalone.default(ajv, refs)}\nexports.__keys = ${JSON.stringify(keys)};\n`;
const out = 'dist/config/validators.cjs';
writeFileSync(`${out}.tmp`, code);
renameSync(`${out}.tmp`, out);
