/**
 * The lab of simulated hosts that tests, the demo and the benchmarks run certfleet against.
 * Bind9 and Pebble live beside it in bind9.ts and pebble.ts.
 */
export { startLab } from './lab.js';
export { defaultSpecs } from './specs.js';
export { stopAllLabs, type StopAllOptions } from './teardown.js';
export { LAB_DISTROS, LAB_SERVICES } from './types.js';
export type {
  Lab,
  LabDistro,
  LabHost,
  LabHostSpec,
  LabService,
  ServicePorts,
  StartLabOptions,
} from './types.js';
