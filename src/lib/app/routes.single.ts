/** The single-file build's routes.ts: the explorer page alone, no /compare beside it. */
export const HAS_COMPARE_PAGE = false;
