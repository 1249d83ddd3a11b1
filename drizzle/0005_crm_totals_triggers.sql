-- The pipeline's stage totals (pipeline_stage_totals, see schema.ts) are kept by the database: every
-- statement that inserts, updates or deletes opportunities, or changes an account's region, adds
-- its net change in the same transaction, whoever runs it (app commands, imports, approvals, jobs,
-- the seed, psql). Statement-level triggers with transition tables: one upsert per statement, rows
-- in key order (so two transactions meet the same totals rows in the same order), nothing written
-- when nothing counted changed (an edit of the next step leaves the totals alone).
-- A bulk load with triggers off (session_replication_role = replica) must call
-- pipeline_stage_totals_rebuild() afterwards.

-- Adds `added` and subtracts `removed` (live deals only). The accounts involved are locked FOR
-- SHARE: a concurrent change of an account's region waits for this transaction, or this one sees
-- its result, so a deal is always counted under its account's current region.
CREATE FUNCTION pipeline_stage_totals_add(added opportunities[], removed opportunities[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	WITH changed AS (
		SELECT a.stage, a.partner_id, a.owner_id, a.account_id, a.close_date, a.amount_cents,
			a.probability, 1 AS sign
		FROM unnest(added) a WHERE a.deleted_at IS NULL
		UNION ALL
		SELECT r.stage, r.partner_id, r.owner_id, r.account_id, r.close_date, r.amount_cents,
			r.probability, -1
		FROM unnest(removed) r WHERE r.deleted_at IS NULL
	),
	net AS (
		SELECT stage, partner_id IS NULL AS direct, owner_id, account_id,
			date_trunc('month', close_date::timestamp)::date AS close_month,
			sum(sign) AS deals, sum(sign * amount_cents) AS amount_cents,
			sum(sign * amount_cents * probability) AS weighted
		FROM changed
		GROUP BY 1, 2, 3, 4, 5
		HAVING sum(sign) <> 0 OR sum(sign * amount_cents) <> 0
			OR sum(sign * amount_cents * probability) <> 0
	),
	account AS (
		SELECT id, region_id FROM accounts WHERE id IN (SELECT account_id FROM net) FOR SHARE
	)
	INSERT INTO pipeline_stage_totals AS t
		(stage, direct, owner_id, region_id, close_month, deals, amount_cents, weighted_cents_x100)
	SELECT net.stage, net.direct, net.owner_id, account.region_id, net.close_month,
		sum(net.deals), sum(net.amount_cents), sum(net.weighted)
	FROM net JOIN account ON account.id = net.account_id
	GROUP BY 1, 2, 3, 4, 5
	ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (stage, direct, owner_id, region_id, close_month) DO UPDATE SET
		deals = t.deals + excluded.deals,
		amount_cents = t.amount_cents + excluded.amount_cents,
		weighted_cents_x100 = t.weighted_cents_x100 + excluded.weighted_cents_x100;
END
$$;
--> statement-breakpoint
CREATE FUNCTION pipeline_stage_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM pipeline_stage_totals_add(ARRAY(SELECT n::opportunities FROM new_rows n), '{}');
	ELSIF TG_OP = 'DELETE' THEN
		PERFORM pipeline_stage_totals_add('{}', ARRAY(SELECT o::opportunities FROM old_rows o));
	ELSE
		PERFORM pipeline_stage_totals_add(
			ARRAY(SELECT n::opportunities FROM new_rows n),
			ARRAY(SELECT o::opportunities FROM old_rows o)
		);
	END IF;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER pipeline_stage_totals_insert AFTER INSERT ON opportunities
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION pipeline_stage_totals_track();
--> statement-breakpoint
CREATE TRIGGER pipeline_stage_totals_update AFTER UPDATE ON opportunities
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION pipeline_stage_totals_track();
--> statement-breakpoint
CREATE TRIGGER pipeline_stage_totals_delete AFTER DELETE ON opportunities
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION pipeline_stage_totals_track();
--> statement-breakpoint
-- An account that changes region takes its live deals' totals with it.
CREATE FUNCTION pipeline_stage_totals_track_region() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	WITH moved AS (
		SELECT n.id, n.region_id AS new_region, o.region_id AS old_region
		FROM new_rows n JOIN old_rows o ON o.id = n.id
		WHERE n.region_id IS DISTINCT FROM o.region_id
	),
	changed AS (
		SELECT d.stage, d.partner_id IS NULL AS direct, d.owner_id, r.region_id,
			date_trunc('month', d.close_date::timestamp)::date AS close_month, r.sign, d.amount_cents,
			d.probability
		FROM moved
		CROSS JOIN LATERAL (VALUES (moved.new_region, 1), (moved.old_region, -1)) AS r (region_id, sign)
		JOIN opportunities d ON d.account_id = moved.id AND d.deleted_at IS NULL
	)
	INSERT INTO pipeline_stage_totals AS t
		(stage, direct, owner_id, region_id, close_month, deals, amount_cents, weighted_cents_x100)
	SELECT stage, direct, owner_id, region_id, close_month,
		sum(sign), sum(sign * amount_cents), sum(sign * amount_cents * probability)
	FROM changed
	GROUP BY 1, 2, 3, 4, 5
	ORDER BY 1, 2, 3, 4, 5
	ON CONFLICT (stage, direct, owner_id, region_id, close_month) DO UPDATE SET
		deals = t.deals + excluded.deals,
		amount_cents = t.amount_cents + excluded.amount_cents,
		weighted_cents_x100 = t.weighted_cents_x100 + excluded.weighted_cents_x100;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER pipeline_stage_totals_region AFTER UPDATE ON accounts
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION pipeline_stage_totals_track_region();
--> statement-breakpoint
CREATE FUNCTION pipeline_stage_totals_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM pipeline_stage_totals;
	RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER pipeline_stage_totals_truncate AFTER TRUNCATE ON opportunities
	FOR EACH STATEMENT EXECUTE FUNCTION pipeline_stage_totals_clear();
--> statement-breakpoint
-- Recomputes every total from the deals (writers wait meanwhile): after a bulk load with triggers
-- off, or to repair by hand.
CREATE FUNCTION pipeline_stage_totals_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	LOCK TABLE opportunities, accounts IN SHARE MODE;
	DELETE FROM pipeline_stage_totals;
	INSERT INTO pipeline_stage_totals
		(stage, direct, owner_id, region_id, close_month, deals, amount_cents, weighted_cents_x100)
	SELECT o.stage, o.partner_id IS NULL, o.owner_id, a.region_id,
		date_trunc('month', o.close_date::timestamp)::date,
		count(*), sum(o.amount_cents), sum(o.amount_cents * o.probability)
	FROM opportunities o JOIN accounts a ON a.id = o.account_id
	WHERE o.deleted_at IS NULL
	GROUP BY 1, 2, 3, 4, 5;
END
$$;
--> statement-breakpoint
-- Existing databases start with the totals of the deals they already hold.
SELECT pipeline_stage_totals_rebuild();
