-- Accepting a payment in one round trip. The logic is acceptPayment's (packages/shared/src/idempotency):
-- the in-flight lock, the key lookup and the two inserts, in one autocommit transaction. Each statement
-- of a PL/pgSQL function sees its own snapshot, so the lookup after the lock sees whatever a request
-- that held the lock before us committed.
CREATE FUNCTION accept_payment(
  p_id uuid, p_merchant_id text, p_amount bigint, p_currency text, p_source text, p_description text,
  p_callback_url text, p_metadata jsonb, p_notification_status text, p_now timestamptz,
  p_key text, p_fingerprint text, p_response_status integer, p_response_body jsonb, p_ttl_secs double precision)
RETURNS TABLE (outcome text, out_payment_id uuid, out_response_status integer, out_response_body jsonb)
LANGUAGE plpgsql AS $$
DECLARE
  found_key idempotency_keys%ROWTYPE;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtextextended(p_merchant_id || ':' || p_key, 0)) THEN
    RETURN QUERY SELECT 'in_use', NULL::uuid, NULL::integer, NULL::jsonb;
    RETURN;
  END IF;

  SELECT * INTO found_key FROM idempotency_keys k
   WHERE k.merchant_id = p_merchant_id AND k.key = p_key AND k.expires_at > now();
  IF FOUND THEN
    IF found_key.fingerprint <> p_fingerprint THEN
      RETURN QUERY SELECT 'key_reused', NULL::uuid, NULL::integer, NULL::jsonb;
    ELSE
      RETURN QUERY SELECT 'replayed', found_key.payment_id, found_key.response_status, found_key.response_body;
    END IF;
    RETURN;
  END IF;

  INSERT INTO payments (id, merchant_id, amount, currency, source, description, callback_url, metadata,
                        notification_status, created_at, updated_at)
  VALUES (p_id, p_merchant_id, p_amount, p_currency, p_source, p_description, p_callback_url, p_metadata,
          p_notification_status, p_now, p_now);
  -- Under the lock only an expired record can be in the way, and the upsert replaces it.
  INSERT INTO idempotency_keys AS k (merchant_id, key, fingerprint, payment_id, response_status, response_body,
                                     created_at, expires_at)
  VALUES (p_merchant_id, p_key, p_fingerprint, p_id, p_response_status, p_response_body, p_now,
          p_now + make_interval(secs => p_ttl_secs))
  ON CONFLICT (merchant_id, key) DO UPDATE
     SET fingerprint = EXCLUDED.fingerprint, payment_id = EXCLUDED.payment_id,
         response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body,
         created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
   WHERE k.expires_at <= now();
  IF NOT FOUND THEN
    RAISE EXCEPTION 'idempotency key record was not written';
  END IF;
  RETURN QUERY SELECT 'created', p_id, p_response_status, p_response_body;
END
$$;
