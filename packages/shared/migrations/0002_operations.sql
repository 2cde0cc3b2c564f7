-- What the ops console needs: discarded dead letters, bulk replay runs, and indexes for its pages.

-- An operator may decide a dead letter will never be replayed. It stays dead-lettered (terminal) and
-- leaves the DLQ; who, when and why are kept.
ALTER TABLE dead_letters
  ADD COLUMN discarded_at   timestamptz,
  ADD COLUMN discarded_by   text,
  ADD COLUMN discard_reason text CHECK (length(discard_reason) BETWEEN 1 AND 500),
  ADD CONSTRAINT discard_is_complete CHECK (
    (discarded_at IS NULL) = (discarded_by IS NULL) AND (discarded_at IS NULL) = (discard_reason IS NULL));

-- The dead-letter page: newest first, filtered by class, step or merchant, over the live (undiscarded) set.
CREATE INDEX dead_letters_live ON dead_letters (dead_lettered_at DESC, payment_id) WHERE discarded_at IS NULL;
CREATE INDEX dead_letters_live_by_class ON dead_letters (error_class, dead_lettered_at DESC) WHERE discarded_at IS NULL;
CREATE INDEX dead_letters_live_by_step ON dead_letters (failed_step, dead_lettered_at DESC) WHERE discarded_at IS NULL;
CREATE INDEX dead_letters_live_by_merchant ON dead_letters (merchant_id, dead_lettered_at DESC) WHERE discarded_at IS NULL;
DROP INDEX dead_letters_by_time;

-- The overview's rates: payments settled and attempts failed in the last minute.
CREATE INDEX payments_by_settled_at ON payments (settled_at) WHERE settled_at IS NOT NULL;
CREATE INDEX payment_attempts_by_finished_at ON payment_attempts (finished_at);

-- A bulk replay: the payments it covers are fixed when it starts, so its dry-run count is what it does.
CREATE TABLE replay_runs (
  id              bigserial   PRIMARY KEY,
  actor           text        NOT NULL,
  filter          jsonb,
  payment_ids     uuid[]      NOT NULL,
  rate_per_second integer     NOT NULL CHECK (rate_per_second BETWEEN 1 AND 1000),
  state           text        NOT NULL DEFAULT 'running'
                  CHECK (state IN ('running', 'completed', 'cancelled', 'interrupted')),
  done            integer     NOT NULL DEFAULT 0 CHECK (done >= 0),
  replayed        integer     NOT NULL DEFAULT 0 CHECK (replayed >= 0),
  skipped         integer     NOT NULL DEFAULT 0 CHECK (skipped >= 0),
  failed          integer     NOT NULL DEFAULT 0 CHECK (failed >= 0),
  audit_id        bigint      NOT NULL REFERENCES audit_log (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz,
  CHECK (done = replayed + skipped + failed),
  CHECK (done <= cardinality(payment_ids)),
  CHECK ((state = 'running') = (finished_at IS NULL))
);
CREATE INDEX replay_runs_running ON replay_runs (id) WHERE state = 'running';
