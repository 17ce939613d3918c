/**
 * The daemon's memory budget (docs/decisions/0018-memory-budget.md): RSS with 32 lines and every
 * feature configured, idle, and the allowance on top of it under field-test traffic. New features stay
 * within it; bench/memory.bench.ts and the soak (bench/soak/) print their figures beside these.
 */
export const RSS_BUDGET_MB = 100;
export const UNDER_LOAD_ALLOWANCE_MB = 20;
