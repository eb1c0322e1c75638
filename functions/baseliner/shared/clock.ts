/** Time for the baseliner's handlers; tests and the benchmark replace it with a virtual clock. */
let now: () => number = () => Date.now();
let pause: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function currentTime(): number {
  return now();
}

export function sleep(ms: number): Promise<void> {
  return pause(ms);
}

export function useClock(clock: () => number, sleeper?: (ms: number) => Promise<void>): void {
  now = clock;
  if (sleeper) pause = sleeper;
}

export function useRealClock(): void {
  useClock(
    () => Date.now(),
    (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  );
}
