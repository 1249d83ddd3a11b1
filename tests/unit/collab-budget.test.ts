import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import {
	BUDGET_LIMITS,
	Bucket,
	HIGH_WATER_BYTES,
	LOW_WATER_BYTES,
	MAX_BUFFERED_BYTES,
	readFrame
} from '../../server/collab/extensions/budget.ts';
import { COLLAB_CLOSE_CODES, collabStopReason } from '../../src/lib/shared/collab.ts';

describe('a token bucket', () => {
	it('starts full, refuses once empty, and refills with time up to its capacity', () => {
		const bucket = new Bucket(3, 2, 0);
		expect([1, 2, 3, 4].map(() => bucket.take(1, 0))).toEqual([true, true, true, false]);
		// 2 per second: after 500 ms one more passes, then none.
		expect(bucket.take(1, 500)).toBe(true);
		expect(bucket.take(1, 500)).toBe(false);
		// Never more than its capacity, however long it waited.
		expect(bucket.level(60_000)).toBe(3);
	});

	it('lets one item larger than what is left pass, and the debt is paid before the next', () => {
		const bytes = new Bucket(1000, 100, 0);
		expect(bytes.take(600, 0)).toBe(true);
		expect(bytes.take(900, 0)).toBe(true);
		expect(bytes.level(0)).toBe(-500);
		expect(bytes.take(1, 0)).toBe(false);
		// 5 s at 100 per second pays the debt back to zero: still empty.
		expect(bytes.take(1, 5_000)).toBe(false);
		expect(bytes.take(1, 5_010)).toBe(true);
	});

	it('ignores a clock that goes back', () => {
		const bucket = new Bucket(2, 1, 10_000);
		expect(bucket.take(2, 10_000)).toBe(true);
		expect(bucket.take(1, 0)).toBe(false);
		expect(bucket.level(0)).toBe(0);
	});
});

describe('the budget limits', () => {
	it('leave room for an offline backlog, a long paste and meeting signalling, and order the back-pressure marks', () => {
		expect(BUDGET_LIMITS.messageBurst).toBeGreaterThanOrEqual(1_000);
		expect(BUDGET_LIMITS.messagesPerSecond).toBeGreaterThanOrEqual(100);
		// Several pastes of the largest message the server accepts (10 MB).
		expect(BUDGET_LIMITS.receivedBytesBurst).toBeGreaterThan(3 * 10 * 1024 * 1024);
		// Two documents per page, each asked for a few times.
		expect(BUDGET_LIMITS.syncRequestBurst).toBeGreaterThanOrEqual(4);
		expect(LOW_WATER_BYTES).toBeLessThan(HIGH_WATER_BYTES);
		expect(HIGH_WATER_BYTES).toBeLessThan(MAX_BUFFERED_BYTES);
		// A slow reader can take one largest message above the high-water mark before it is cut.
		expect(MAX_BUFFERED_BYTES - HIGH_WATER_BYTES).toBeGreaterThan(10 * 1024 * 1024);
	});
});

describe('reading a Hocuspocus frame', () => {
	it('gives the address, the type and the sync (or sync reply) sub-type, and null for what it cannot read', () => {
		const encoder = encoding.createEncoder();
		encoding.writeVarString(encoder, 'plan.x');
		encoding.writeVarUint(encoder, 0);
		encoding.writeVarUint(encoder, 1);
		encoding.writeVarUint8Array(encoder, new Uint8Array([0, 0]));
		expect(readFrame(encoding.toUint8Array(encoder))).toEqual({
			address: 'plan.x',
			type: 0,
			sync: 1
		});
		const awareness = encoding.createEncoder();
		encoding.writeVarString(awareness, 'plan.x');
		encoding.writeVarUint(awareness, 1);
		expect(readFrame(encoding.toUint8Array(awareness))).toEqual({
			address: 'plan.x',
			type: 1,
			sync: null
		});
		const reply = encoding.createEncoder();
		encoding.writeVarString(reply, 'plan.x');
		encoding.writeVarUint(reply, 4);
		encoding.writeVarUint(reply, 0);
		expect(readFrame(encoding.toUint8Array(reply))).toEqual({
			address: 'plan.x',
			type: 4,
			sync: 0
		});
		expect(readFrame(new Uint8Array([200]))).toBeNull();
	});
});

describe('the close codes a browser does not retry', () => {
	it('stops on 4403 and 4429, and reconnects after any other close', () => {
		expect(collabStopReason(COLLAB_CLOSE_CODES.accessRevoked)).toBe('access-revoked');
		expect(collabStopReason(COLLAB_CLOSE_CODES.budgetExceeded)).toBe('budget-exceeded');
		expect(COLLAB_CLOSE_CODES.budgetExceeded).toBe(4429);
		for (const code of [1000, 1001, 1005, 1006, 1007, 1011, 4401, undefined]) {
			expect(collabStopReason(code)).toBeNull();
		}
	});
});
