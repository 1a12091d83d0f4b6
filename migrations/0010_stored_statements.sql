-- Stored statements: our biggest statements run as Postgres functions, so that a pooled connection
-- parses and plans each of them once instead of on every request. Over Neon's HTTP path every
-- statement arrives as text with no session to prepare it in; the update of a contact's metadata
-- (~18 KB, 30 CTEs) spent ~1.2 ms being parsed and ~2.5 ms being planned per request, while it
-- executes in ~1.5 ms. A PL/pgSQL function's statement is prepared once per connection and its
-- plan cached (Postgres may switch to a generic plan after five calls), with PL/pgSQL on any
-- version (the statements themselves need PostgreSQL 18).
--
-- The functions are made from the statement text by the adapter (src/adapters/db/client.ts), named
-- by its SHA-256 (`stored.q_<hash>`), the first time an isolate sends it: `stored.define` in the same
-- transaction as the first call, so it costs no extra round trip. The text is our code's, never a
-- client's: values are the function's arguments ($1, $2, ... as in the statement).
CREATE SCHEMA IF NOT EXISTS stored;
--> statement-breakpoint

-- Creates `stored.<fn_name>` from a statement that returns one column, unless it exists. Argument
-- and result types are the ones Postgres infers for the statement (PREPARE), so the call needs no
-- casts. Two sessions defining the same statement at once: the second waits for the first's
-- transaction, finds the function taken and uses it.
CREATE OR REPLACE FUNCTION stored.define(fn_name text, body text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  arg_types text;
  result_type text;
  columns int;
BEGIN
  IF fn_name !~ '^q_[0-9a-f]{32}$' THEN
    RAISE EXCEPTION 'a stored statement is named q_ and 32 hex digits, not %', fn_name;
  END IF;
  IF to_regproc(format('stored.%I', fn_name)) IS NOT NULL THEN
    RETURN;
  END IF;
  -- A PREPARE outlives a rollback: one left on this pooled connection by a define that failed
  -- after it (a timeout) would make this one fail.
  IF EXISTS (SELECT 1 FROM pg_prepared_statements p WHERE p.name = fn_name) THEN
    EXECUTE format('DEALLOCATE %I', fn_name);
  END IF;
  -- PREPARE takes one statement: a text of several is refused here, before any function exists.
  EXECUTE format('PREPARE %I AS %s', fn_name, body);
  SELECT array_to_string(p.parameter_types::text[], ', '), p.result_types[1]::text, cardinality(p.result_types)
    INTO arg_types, result_type, columns
    FROM pg_prepared_statements p WHERE p.name = fn_name;
  EXECUTE format('DEALLOCATE %I', fn_name);
  IF columns IS DISTINCT FROM 1 THEN
    RAISE EXCEPTION 'a stored statement returns one column, not %', columns;
  END IF;
  BEGIN
    EXECUTE format('CREATE FUNCTION stored.%I(%s) RETURNS SETOF %s LANGUAGE plpgsql AS %L',
      fn_name, arg_types, result_type, 'BEGIN RETURN QUERY ' || body || '; END');
  EXCEPTION WHEN unique_violation OR duplicate_function THEN
    -- Created meanwhile by another session for the same text: the same function.
    NULL;
  END;
END;
$$;
--> statement-breakpoint

-- Drops every stored statement (`npm run db:migrate` calls it before and after migrating):
-- functions of texts no deployed code sends any more do not pile up, none keeps a migration from
-- changing a type it uses, and none outlives a schema change it was planned against. An isolate
-- whose call then finds its function gone defines it again (two round trips, once). IF EXISTS:
-- two migrations clearing at once both succeed.
CREATE OR REPLACE FUNCTION stored.clear() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  fn regprocedure;
  dropped integer := 0;
BEGIN
  FOR fn IN
    SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = 'stored' AND p.proname ~ '^q_[0-9a-f]{32}$'
  LOOP
    EXECUTE format('DROP FUNCTION IF EXISTS %s', fn);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END;
$$;
--> statement-breakpoint

-- For migrations only (the owner of the functions): the Workers never clear.
REVOKE EXECUTE ON FUNCTION stored.clear() FROM PUBLIC;
