/** Time for the baseliner's handlers; the benchmark replaces it with a virtual clock. */
let now: () => number = () => Date.now();

export function currentTime(): number {
  return now();
}

export function useClock(clock: () => number): void {
  now = clock;
}
