/**
 * certfleet's Jinja2 engine with Ansible 2.14's semantics (see docs/templates.md).
 */
export {
  compileTemplate,
  compileExpression,
  CompiledTemplate,
  CompiledExpression,
  type TemplateOptions,
  type UsedNames,
} from './template.js';
export {
  createEnvironment,
  defaultEnvironment,
  Environment,
  type EnvironmentOptions,
  type FilterFn,
  type FilterSpec,
  type TestFn,
  type Hooks,
} from './environment.js';
export { JinjaSyntaxError, JinjaRuntimeError, type Origin } from './errors.js';
export { Resolver, type Scope } from './runtime.js';
export { truthy } from './ops.js';
export { pyRepr, pyStr } from './pystr.js';
export { PyFloat, JinjaUndefined, tuple, isTuple, isMapping } from './values.js';
export { LIMITS } from './limits.js';
