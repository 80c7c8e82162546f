/**
 * Every filter of Ansible 2.14's environment that certfleet implements, by family. The registry
 * is data: validate lists the names, "unknown filter (did you mean ...)" comes from it.
 */
import type { FilterSpec } from '../environment.js';
import { COLLECTION_FILTERS } from './collections.js';
import { PATH_FILTERS } from './paths.js';
import { SEQUENCE_FILTERS } from './sequences.js';
import { SERIALIZE_FILTERS } from './serialize.js';
import { STRING_FILTERS } from './strings.js';
import { VALUE_FILTERS } from './values.js';

/** All built-in filters (Jinja's and Ansible's), with Jinja's aliases. */
export const FILTERS: Record<string, FilterSpec> = {
  ...STRING_FILTERS,
  ...SEQUENCE_FILTERS,
  ...VALUE_FILTERS,
  ...COLLECTION_FILTERS,
  ...SERIALIZE_FILTERS,
  ...PATH_FILTERS,
};
FILTERS.d = FILTERS.default;
