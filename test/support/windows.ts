/** A span of time in which the breaker was in one state, from its transitions. */
export interface StateWindow {
  state: string;
  from: number;
  until: number;
}

export function stateWindows(transitions: { at: number; to: string }[], end = Date.now()): StateWindow[] {
  return transitions.map((t, i) => ({ state: t.to, from: t.at, until: transitions[i + 1]?.at ?? end }));
}

/** `at` falls in the window, `afterStartMs` past its start and `beforeEndMs` short of its end. */
export const inWindow = (at: number, window: StateWindow, afterStartMs = 0, beforeEndMs = afterStartMs) =>
  at >= window.from + afterStartMs && at < window.until - beforeEndMs;
