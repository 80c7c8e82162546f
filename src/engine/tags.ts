/**
 * Tag selection with Ansible's rules: `--tags` runs tasks carrying one of the tags (or `all`);
 * a task tagged `always` runs unless `always` is skipped; `never` runs only when asked for by
 * name; `--skip-tags` wins over everything.
 */

/** Does a task with `taskTags` run under `--tags only` / `--skip-tags skip`? */
export function tagsSelected(taskTags: string[], only: string[], skip: string[]): boolean {
  const has = (t: string): boolean => taskTags.includes(t);
  if (skip.includes('all') || taskTags.some((t) => skip.includes(t))) return false;
  if (skip.includes('tagged') && taskTags.length) return false;
  if (skip.includes('untagged') && !taskTags.length) return false;
  if (has('never') && !taskTags.some((t) => t !== 'never' && only.includes(t))) return only.includes('never');
  if (has('always')) return true;
  if (!only.length || only.includes('all')) return true;
  if (only.includes('tagged') && taskTags.length) return true;
  if (only.includes('untagged') && !taskTags.length) return true;
  return taskTags.some((t) => only.includes(t));
}
