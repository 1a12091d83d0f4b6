-- Lets one statement refuse itself: a CTE statement cannot branch into "write nothing at all", but
-- an error aborts every part of it. The adapter reads SQLSTATE CM001 as a refusal (not a fault)
-- and DETAIL as its JSON reason, e.g. {"code": "DEFINITION_LIMIT_EXCEEDED", "limit": 10000, ...}.
CREATE OR REPLACE FUNCTION refuse(reason jsonb) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'CM001', MESSAGE = 'statement refused', DETAIL = reason::text;
END;
$$;
