/**
 * Bounds that keep a template from taking the controller down (string or list repetition, range
 * sizes, macro recursion). Python has none of these; a template that hits one fails with a
 * message naming the limit instead of exhausting memory.
 */
export const LIMITS = {
  /** longest string / list an operator, range() or a filter may build */
  maxSequence: 10_000_000,
  /** largest range() (Jinja's sandbox uses 100 000 too) */
  maxRange: 100_000,
  /** deepest macro / recursive-loop nesting */
  maxDepth: 200,
  /** longest template output, in characters */
  maxOutput: 64 * 1024 * 1024,
};
