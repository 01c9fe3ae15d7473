/** Options of leakCheck and assertNoLeak. */
export interface LeakCheckOptions {
  /** Calls of fn measured after the baseline snapshot, spread over the rounds (default 300). */
  iterations?: number;
  /** Calls of fn before the baseline snapshot, so caches and JIT warm up (default 30). */
  warmup?: number;
  /** Heap snapshots in all, the baseline included (default 3, 2 to 20). */
  snapshots?: number;
  /** Smallest retained growth that fails: bytes, or a size such as "512KB" (default: leakhound's). */
  minGrowth?: number | string;
  /** Smallest growth in objects that fails (default: leakhound's). */
  minCount?: number;
  /** A folder to keep the snapshots in; by default they go to a temporary folder, removed unless a leak is found (also when fn throws or the analysis fails). */
  keep?: string;
  /** Milliseconds the analysis may take (default 300000). */
  timeout?: number;
  /** Path of the leakhound binary (default: LEAKHOUND_BINARY, or the platform package's). */
  binary?: string;
}

/** One leak suspect, as `leakhound leaks --json` reports it. */
export interface LeakSuspect {
  rank: number;
  pattern: 'event-listener' | 'timer' | 'unbounded-collection' | 'closure' | 'promise' | 'detached-dom' | 'string-or-buffer' | 'other' | string;
  class: string;
  count: number[];
  retained_size: number[];
  growth_bytes: number;
  growth_count: number;
  path_text: string;
  location: { function?: string; script: string; line: number; column: number } | null;
  hint: string;
  [key: string]: unknown;
}

/** leakhound's report (`leakhound leaks --json`) plus the check's verdict. */
export interface LeakReport {
  /** A suspect passed the thresholds. */
  leak: boolean;
  snapshots: { name: string; nodes: number; total_size: number }[];
  suspects: LeakSuspect[];
  notes?: string[];
  /** The text report, when leak is true. */
  text?: string;
  /** Where the snapshots are, when kept (a leak, or options.keep). */
  snapshotsDir?: string;
}

/** Thrown by assertNoLeak: the message is leakhound's report. */
export declare class LeakError extends Error {
  name: 'LeakError';
  report: LeakReport;
  snapshotsDir: string;
}

/** Runs fn, snapshots this isolate's heap, and resolves to leakhound's report. */
export declare function leakCheck(fn: (i: number) => unknown | Promise<unknown>, options?: LeakCheckOptions): Promise<LeakReport>;

/** Like leakCheck, but rejects with a LeakError when fn leaks. */
export declare function assertNoLeak(fn: (i: number) => unknown | Promise<unknown>, options?: LeakCheckOptions): Promise<LeakReport>;

/** The path of the native binary this package runs. */
export declare function binaryPath(): string;
