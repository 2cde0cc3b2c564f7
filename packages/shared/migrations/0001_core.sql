-- The system of record: payments, their recovery points, attempts, ledger, idempotency keys, audit.
-- Money rules live here as constraints, so a bug in any app is refused by the database itself.

CREATE TABLE payments (
  id                  uuid PRIMARY KEY,
  merchant_id         text        NOT NULL CHECK (length(merchant_id) BETWEEN 1 AND 64),
  amount              bigint      NOT NULL CHECK (amount > 0),
  currency            char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  source              text        NOT NULL,
  description         text,
  callback_url        text,
  metadata            jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
  status              text        NOT NULL DEFAULT 'accepted'
                      CHECK (status IN ('accepted', 'succeeded', 'declined', 'dead_lettered')),
  -- The last durable step: a retry, crash re-run or replay resumes after it and never charges twice.
  recovery_point      text        NOT NULL DEFAULT 'started'
                      CHECK (recovery_point IN ('started', 'charge_captured', 'ledger_posted')),
  charge_id           text,
  decline_code        text,
  attempts            integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- Bumped by every replay; a failed job from an older run is stale, not a fresh failure.
  run                 integer     NOT NULL DEFAULT 0 CHECK (run >= 0),
  notification_status text        CHECK (notification_status IN ('pending', 'delivered', 'dead_lettered')),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  settled_at          timestamptz,
  CONSTRAINT captured_has_charge   CHECK (recovery_point = 'started' OR charge_id IS NOT NULL),
  CONSTRAINT succeeded_iff_posted  CHECK ((status = 'succeeded') = (recovery_point = 'ledger_posted')),
  CONSTRAINT declined_not_captured CHECK (status <> 'declined' OR (decline_code IS NOT NULL AND charge_id IS NULL)),
  CONSTRAINT settled_iff_terminal  CHECK ((status <> 'accepted') = (settled_at IS NOT NULL)),
  CONSTRAINT notify_needs_callback CHECK (notification_status IS NULL OR callback_url IS NOT NULL)
);
-- Merchant listing pages newest first by id (UUIDv7 ids sort by creation time).
CREATE INDEX payments_by_merchant ON payments (merchant_id, id DESC);
CREATE INDEX payments_open ON payments (id) WHERE status = 'accepted';
CREATE INDEX payments_pending_notification ON payments (id) WHERE notification_status = 'pending';
CREATE INDEX payments_by_status ON payments (status);

-- Status moves only along the lifecycle in payments/transitions.ts, and recovery points only forward.
-- A succeeded or declined payment is an outcome the merchant was told about: it never changes.
CREATE FUNCTION payments_guard_lifecycle() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
       (OLD.status = 'accepted' AND NEW.status IN ('succeeded', 'declined', 'dead_lettered'))
    OR (OLD.status = 'dead_lettered' AND NEW.status = 'accepted')) THEN
    RAISE EXCEPTION 'payment % cannot go from % to %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'check_violation';
  END IF;
  IF array_position(ARRAY['started', 'charge_captured', 'ledger_posted'], NEW.recovery_point)
   < array_position(ARRAY['started', 'charge_captured', 'ledger_posted'], OLD.recovery_point) THEN
    RAISE EXCEPTION 'payment % cannot go back from % to %', OLD.id, OLD.recovery_point, NEW.recovery_point
      USING ERRCODE = 'check_violation';
  END IF;
  IF OLD.charge_id IS NOT NULL AND NEW.charge_id IS DISTINCT FROM OLD.charge_id THEN
    RAISE EXCEPTION 'payment % already has charge %', OLD.id, OLD.charge_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER payments_guard_lifecycle BEFORE UPDATE ON payments
  FOR EACH ROW EXECUTE FUNCTION payments_guard_lifecycle();

CREATE TABLE payment_attempts (
  id            bigserial   PRIMARY KEY,
  payment_id    uuid        NOT NULL REFERENCES payments (id),
  run           integer     NOT NULL CHECK (run >= 0),
  attempt       integer     NOT NULL CHECK (attempt >= 1),
  step          text        NOT NULL CHECK (step IN ('validate', 'charge', 'ledger', 'notify')),
  outcome       text        NOT NULL CHECK (outcome IN ('succeeded', 'declined', 'failed')),
  error_class   text        CHECK (error_class IN ('transient', 'ambiguous', 'rate_limited', 'permanent')),
  error_code    text,
  error_message text,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT failure_has_class CHECK ((outcome = 'failed') = (error_class IS NOT NULL))
);
CREATE INDEX payment_attempts_by_payment ON payment_attempts (payment_id, id);

CREATE TABLE dead_letters (
  payment_id       uuid        PRIMARY KEY REFERENCES payments (id),
  run              integer     NOT NULL CHECK (run >= 0),
  reason           text        NOT NULL,
  error_class      text        NOT NULL CHECK (error_class IN ('transient', 'ambiguous', 'rate_limited', 'permanent')),
  error_code       text        NOT NULL,
  error_message    text        NOT NULL,
  error_stack      text,
  failed_step      text        NOT NULL CHECK (failed_step IN ('validate', 'charge', 'ledger', 'notify')),
  attempts         integer     NOT NULL CHECK (attempts >= 0),
  merchant_id      text        NOT NULL,
  dead_lettered_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letters_by_time ON dead_letters (dead_lettered_at DESC, payment_id);

-- Double-entry ledger. A leg appears once per payment, and each payment's legs sum to zero at commit.
CREATE TABLE ledger_entries (
  id         bigserial   PRIMARY KEY,
  payment_id uuid        NOT NULL REFERENCES payments (id),
  leg        text        NOT NULL CHECK (leg IN ('bank_clearing', 'merchant_payable')),
  account    text        NOT NULL,
  currency   char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  amount     bigint      NOT NULL CHECK (amount <> 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (payment_id, leg)
);

CREATE FUNCTION ledger_entries_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE unbalanced numeric;
BEGIN
  SELECT sum(amount) INTO unbalanced FROM ledger_entries
   WHERE payment_id = NEW.payment_id AND currency = NEW.currency;
  IF unbalanced <> 0 THEN
    RAISE EXCEPTION 'ledger entries of payment % do not balance in % (off by %)',
      NEW.payment_id, NEW.currency, unbalanced USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER ledger_entries_balanced AFTER INSERT ON ledger_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_entries_balanced();

-- Posted entries are history: corrections are new entries, never edits.
CREATE FUNCTION ledger_entries_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger entries are append-only' USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_immutable();

-- Stripe-style idempotency: one record per merchant and key, written in the payment's own transaction.
-- The in-flight lock is a transaction-scoped advisory lock on (merchant, key): see accept-payment.ts.
CREATE TABLE idempotency_keys (
  merchant_id     text        NOT NULL,
  key             text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  fingerprint     text        NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  payment_id      uuid        NOT NULL REFERENCES payments (id),
  response_status integer     NOT NULL CHECK (response_status BETWEEN 200 AND 599),
  response_body   jsonb       NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  PRIMARY KEY (merchant_id, key),
  CHECK (expires_at > created_at)
);
CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);

CREATE TABLE audit_log (
  id      bigserial   PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text        NOT NULL,
  action  text        NOT NULL,
  target  text,
  filter  jsonb,
  count   integer     CHECK (count >= 0),
  outcome text        NOT NULL,
  details jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_by_time ON audit_log (at DESC);
