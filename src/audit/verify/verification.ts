/** Which property of the log a failure breaks. */
export type VerificationCheck =
  | 'seq' // gapless 1..n
  | 'chain' // each entry hashes to its stored hash and names its predecessor's
  | 'checkpoint-signature'
  | 'fork' // two signed checkpoints of one size with different roots
  | 'merkle-root' // a signed root that the entries no longer produce
  | 'consistency' // the stored tree cannot prove one checkpoint extends the previous
  | 'truncation' // a signed checkpoint is larger than the log
  | 'witness'; // the log is behind, or differs from, a checkpoint kept outside it

/** The reason codes both verifiers (this one and tools/verify-audit.mjs) report. */
export type VerificationCode =
  | 'seq-gap'
  | 'entry-unreadable'
  | 'duplicate'
  | 'inserted'
  | 'reordered'
  | 'chain-broken'
  | 'entry-edited'
  | 'checkpoint-unreadable'
  | 'signature-invalid'
  | 'fork'
  | 'root-mismatch'
  | 'inconsistent'
  | 'truncated'
  | 'witness-signature-invalid'
  | 'witness-rollback'
  | 'witness-fork';

/** One failure: the first seq it concerns (and the last, when only a range can be named). */
export interface VerificationFailure {
  firstBadSeq: number;
  lastBadSeq?: number;
  check: VerificationCheck;
  code: VerificationCode;
  reason: string;
}

/** The outcome of `audit verify`: everything held, or the first failure in seq order. */
export type LogVerification =
  | {
      ok: true;
      entries: number;
      headHash: string;
      root: string;
      checkpoints: number;
      latestCheckpoint: number | null;
      witnessed: number;
    }
  | ({ ok: false; entries: number; checkpoints: number; witnessed: number } & VerificationFailure);
