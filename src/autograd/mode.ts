/** Global switches of the autograd engine: recording on or off, and anomaly detection. */

let gradEnabled = true;
let anomalyEnabled = false;

/** True while operations are recorded for backpropagation (the default). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with recording switched to `enabled`, restoring the previous mode afterwards. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Runs `fn` without recording a graph, as PyTorch's `torch.no_grad()`: results do not require grad.
 * @example
 * const w = tensor([1, 2], { requiresGrad: true });
 * const y = noGrad(() => w.mul(2)); // y.requiresGrad === false
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording switched back on, e.g. inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

let inBackward = false;

export function isAnomalyEnabled(): boolean {
  return anomalyEnabled;
}

/** True while the engine runs gradient rules: anomalies there are reported per gradient, not per op. */
export function isInBackward(): boolean {
  return inBackward;
}

/** Switches anomaly detection on or off globally (see `detectAnomaly`). */
export function setDetectAnomaly(enabled: boolean): void {
  anomalyEnabled = enabled;
}

/**
 * Runs `fn` in anomaly mode: the first op whose forward output or backward gradient holds a NaN or
 * an infinity throws an `AnomalyError` naming the op, its input shapes and the line of user code
 * that created it. Slower: every op records a stack trace and scans its output.
 * @example
 * detectAnomaly(() => tensor([-1], { requiresGrad: true }).log()); // throws AnomalyError: log produced NaN …
 */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = anomalyEnabled;
  anomalyEnabled = true;
  try {
    return fn();
  } finally {
    anomalyEnabled = previous;
  }
}

/** @internal Sets recording and the backward flag at once, returning what they were (runBackward restores them in a finally). */
export function enterBackward(record: boolean): number {
  const previous = (gradEnabled ? 1 : 0) | (inBackward ? 2 : 0);
  gradEnabled = record;
  inBackward = true;
  return previous;
}

/** @internal Restores what enterBackward returned. */
export function leaveBackward(previous: number): void {
  gradEnabled = (previous & 1) !== 0;
  inBackward = (previous & 2) !== 0;
}
