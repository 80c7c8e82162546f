/**
 * `--json`: one JSON object per line (NDJSON) per event, schema documented in docs/events.md.
 * Every line carries the schema version `v` and a timestamp; values were redacted by the engine.
 */
import { EVENTS_VERSION, type EventSink, type RunEvent } from './events.js';
import { redactValue } from './redact.js';
import type { Writable } from './plain.js';

/** A sink writing NDJSON events to `out`. */
export function jsonRenderer(out: Writable): EventSink {
  return (e: RunEvent) => {
    // redact again at the edge: a secret registered after an event was built must still not leak
    out.write(`${JSON.stringify(redactValue({ v: EVENTS_VERSION, ts: new Date().toISOString(), ...e }))}\n`);
  };
}
