// The health score of a partner: a pure, documented formula (docs/health.md) over what the
// workspace knows today. The queries gather the inputs (one grouped query per set of partners);
// this file only turns them into points, so it is unit-tested on fixed inputs.

/** What the score is computed from, for one partner. */
export type HealthInputs = {
	/** Deal registrations submitted in the last 180 days. */
	registrations: number;
	/** Deals won and lost in the last 365 days. */
	won: number;
	lost: number;
	/** Sum of the amounts of open deals, in cents. */
	openPipelineCents: number;
	/** Active people of the partner. */
	activeUsers: number;
	/** Active people who signed in during the last 30 days. */
	recentSignIns: number;
	/** Activities recorded by the partner's people in the last 30 days. */
	recentActivities: number;
	/** Visits in the last 90 days: null until field visits exist (issue 7). */
	recentVisits: number | null;
};

export type HealthKey =
	| 'registrations'
	| 'win_rate'
	| 'pipeline'
	| 'active_users'
	| 'recent_sign_ins'
	| 'recent_activity'
	| 'visits';

export type HealthPart = {
	key: HealthKey;
	/** The measure behind the points (a count, a rate 0–1, cents); null when it does not exist yet. */
	value: number | null;
	points: number;
	max: number;
};

export type HealthBand = 'good' | 'watch' | 'at_risk';

export type Health = { score: number; band: HealthBand; parts: HealthPart[] };

/** Weights (maximum points) of each part; they add up to 100. */
export const HEALTH_WEIGHTS: Record<HealthKey, number> = {
	registrations: 20,
	win_rate: 25,
	pipeline: 25,
	active_users: 10,
	recent_sign_ins: 10,
	recent_activity: 10,
	// Field visits join the formula when they exist: the other weights then give them room.
	visits: 0
};

/** Registrations in 180 days that earn every point of their part. */
export const REGISTRATIONS_TARGET = 5;
/** Open pipeline (in cents) that earns every point of its part: 200,000 in the workspace currency. */
export const PIPELINE_TARGET_CENTS = 20_000_000;
/** Active people that earn every point of their part. */
export const ACTIVE_USERS_TARGET = 3;
/** Activities in 30 days that earn every point of their part. */
export const ACTIVITY_TARGET = 10;
/** Scores from here are "good"; from WATCH_FROM "watch"; below, "at risk". */
export const GOOD_FROM = 70;
export const WATCH_FROM = 40;

const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
const whole = (x: number) => Math.max(0, Math.trunc(Number.isFinite(x) ? x : 0));
const points = (key: HealthKey, share: number) => Math.round(HEALTH_WEIGHTS[key] * clamp01(share));

/**
 * The win rate with one won and one lost deal added (Laplace smoothing): a new partner starts at
 * 50 % instead of 0 % or 100 %, and one lost deal does not sink a partner that closed few.
 */
export function smoothedWinRate(won: number, lost: number): number {
	return (whole(won) + 1) / (whole(won) + whole(lost) + 2);
}

export function bandOf(score: number): HealthBand {
	if (score >= GOOD_FROM) return 'good';
	if (score >= WATCH_FROM) return 'watch';
	return 'at_risk';
}

/** The score (0–100), its band and the points of each part (they add up to the score). */
export function computeHealth(input: HealthInputs): Health {
	const registrations = whole(input.registrations);
	const won = whole(input.won);
	const lost = whole(input.lost);
	const pipeline = whole(input.openPipelineCents);
	const active = whole(input.activeUsers);
	const signIns = Math.min(whole(input.recentSignIns), active);
	const activity = whole(input.recentActivities);
	const closed = won + lost;

	const parts: HealthPart[] = [
		{
			key: 'registrations',
			value: registrations,
			points: points('registrations', registrations / REGISTRATIONS_TARGET),
			max: HEALTH_WEIGHTS.registrations
		},
		{
			key: 'win_rate',
			// The page shows the plain rate; the points use the smoothed one.
			value: closed === 0 ? null : won / closed,
			points: points('win_rate', smoothedWinRate(won, lost)),
			max: HEALTH_WEIGHTS.win_rate
		},
		{
			key: 'pipeline',
			value: pipeline,
			// Square root: the first euros of pipeline matter more than the last ones.
			points: points('pipeline', Math.sqrt(pipeline / PIPELINE_TARGET_CENTS)),
			max: HEALTH_WEIGHTS.pipeline
		},
		{
			key: 'active_users',
			value: active,
			points: points('active_users', active / ACTIVE_USERS_TARGET),
			max: HEALTH_WEIGHTS.active_users
		},
		{
			key: 'recent_sign_ins',
			value: signIns,
			// The share of active people seen lately: a partner of two who both sign in is healthy.
			points: points('recent_sign_ins', active === 0 ? 0 : signIns / active),
			max: HEALTH_WEIGHTS.recent_sign_ins
		},
		{
			key: 'recent_activity',
			value: activity,
			points: points('recent_activity', activity / ACTIVITY_TARGET),
			max: HEALTH_WEIGHTS.recent_activity
		},
		{
			key: 'visits',
			// Weighted slot kept at 0 until visits are logged (issue 7).
			value: input.recentVisits,
			points: 0,
			max: HEALTH_WEIGHTS.visits
		}
	];
	const score = Math.min(
		100,
		parts.reduce((sum, part) => sum + part.points, 0)
	);
	return { score, band: bandOf(score), parts };
}

/** Inputs of a partner nobody has done anything with yet. */
export const EMPTY_HEALTH_INPUTS: HealthInputs = {
	registrations: 0,
	won: 0,
	lost: 0,
	openPipelineCents: 0,
	activeUsers: 0,
	recentSignIns: 0,
	recentActivities: 0,
	recentVisits: null
};
