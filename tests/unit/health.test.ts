import { describe, expect, it } from 'vitest';
import {
	bandOf,
	computeHealth,
	EMPTY_HEALTH_INPUTS,
	HEALTH_WEIGHTS,
	smoothedWinRate,
	type HealthInputs
} from '../../src/lib/server/partners/health.ts';

const inputs = (overrides: Partial<HealthInputs>): HealthInputs => ({
	...EMPTY_HEALTH_INPUTS,
	...overrides
});
const pointsOf = (health: ReturnType<typeof computeHealth>) =>
	Object.fromEntries(health.parts.map((p) => [p.key, p.points]));

describe('partner health', () => {
	it('has weights that add up to 100, with the visits slot at 0 until visits exist', () => {
		const total = Object.values(HEALTH_WEIGHTS).reduce((a, b) => a + b, 0);
		expect(total).toBe(100);
		expect(HEALTH_WEIGHTS.visits).toBe(0);
	});

	it('gives a new partner with nothing only the neutral half of the win-rate points', () => {
		const health = computeHealth(EMPTY_HEALTH_INPUTS);
		expect(health.score).toBe(13);
		expect(health.band).toBe('at_risk');
		expect(pointsOf(health)).toEqual({
			registrations: 0,
			win_rate: 13,
			pipeline: 0,
			active_users: 0,
			recent_sign_ins: 0,
			recent_activity: 0,
			visits: 0
		});
		expect(health.parts.find((p) => p.key === 'win_rate')?.value).toBeNull();
		expect(health.parts.find((p) => p.key === 'visits')?.value).toBeNull();
	});

	it('scores a partner whose deals were all lost lower than one who closed none', () => {
		const allLost = computeHealth(inputs({ lost: 5 }));
		expect(pointsOf(allLost).win_rate).toBe(4); // 25 × 1/7
		expect(allLost.parts.find((p) => p.key === 'win_rate')?.value).toBe(0);
		expect(allLost.score).toBeLessThan(computeHealth(EMPTY_HEALTH_INPUTS).score);
	});

	it('caps a big pipeline at its weight and grows with the square root below the target', () => {
		expect(pointsOf(computeHealth(inputs({ openPipelineCents: 5_000_000_000 }))).pipeline).toBe(25);
		expect(pointsOf(computeHealth(inputs({ openPipelineCents: 20_000_000 }))).pipeline).toBe(25);
		// 50,000 of a 200,000 target: √¼ = ½ of 25.
		expect(pointsOf(computeHealth(inputs({ openPipelineCents: 5_000_000 }))).pipeline).toBe(13);
	});

	it('gives people who never sign in no activity points', () => {
		const inactive = computeHealth(
			inputs({ activeUsers: 4, recentSignIns: 0, recentActivities: 0 })
		);
		expect(pointsOf(inactive)).toMatchObject({
			active_users: 10,
			recent_sign_ins: 0,
			recent_activity: 0
		});
		const half = computeHealth(inputs({ activeUsers: 4, recentSignIns: 2, recentActivities: 5 }));
		expect(pointsOf(half)).toMatchObject({ recent_sign_ins: 5, recent_activity: 5 });
	});

	it('never counts more people seen than people active', () => {
		const odd = computeHealth(inputs({ activeUsers: 1, recentSignIns: 9 }));
		expect(pointsOf(odd).recent_sign_ins).toBe(10);
		expect(odd.parts.find((p) => p.key === 'recent_sign_ins')?.value).toBe(1);
	});

	it('gives a thriving partner a good score whose parts add up to it', () => {
		const health = computeHealth(
			inputs({
				registrations: 6,
				won: 8,
				lost: 2,
				openPipelineCents: 30_000_000,
				activeUsers: 5,
				recentSignIns: 5,
				recentActivities: 12
			})
		);
		expect(pointsOf(health)).toMatchObject({ registrations: 20, win_rate: 19, pipeline: 25 });
		expect(health.score).toBe(94);
		expect(health.band).toBe('good');
		expect(health.parts.reduce((sum, p) => sum + p.points, 0)).toBe(health.score);
	});

	it('treats nonsense inputs (negative, NaN) as zero', () => {
		const health = computeHealth(
			inputs({ registrations: -3, won: Number.NaN, openPipelineCents: -100, activeUsers: -1 })
		);
		expect(health.score).toBe(13);
	});

	it('puts the band boundaries at 40 and 70', () => {
		expect(bandOf(39)).toBe('at_risk');
		expect(bandOf(40)).toBe('watch');
		expect(bandOf(69)).toBe('watch');
		expect(bandOf(70)).toBe('good');
		expect(smoothedWinRate(0, 0)).toBe(0.5);
	});
});
