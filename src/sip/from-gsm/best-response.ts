/**
 * The one failure reported when every branch of a fork failed: RFC 3261 §16.7 step 6, simplified for
 * a UAC that forks itself: a 6xx wins (it says "nowhere"), else the lowest class (4xx before 5xx,
 * 3xx before both; redirects are not followed), and within a class the first received.
 */
export interface BranchFailure {
  readonly status: number;
  readonly reason: string;
}

export function bestFailure(failures: readonly BranchFailure[]): BranchFailure {
  if (failures.length === 0) return { status: 480, reason: 'Temporarily Unavailable' };
  const global = failures.find((f) => f.status >= 600);
  if (global !== undefined) return global;
  let best = failures[0]!;
  for (const failure of failures) if (Math.floor(failure.status / 100) < Math.floor(best.status / 100)) best = failure;
  return best;
}
