/**
 * Access (issue #12): API tokens are kept only as their hash, stop working the moment they are
 * revoked or expire, and the admin token is refused whatever the length of a wrong guess; an upload
 * link opens its own evidence request only, and a tampered or expired link opens nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EvidenceEntity, EvidenceRequestEntity, EvidenceRequestStatus } from '../../libs/persistence/src';
import { signUploadLink, verifyUploadLink } from '../../libs/security/src';
import { createPlanFixture, eventually, PlanFixture, secondsPolicy, uploadTokenFrom, workflowStarted } from '../support/fixtures';
import { startTestSystem, TestSystem } from '../support/test-system';

const GENERIC_401 = 'The token is unknown, revoked or expired.';

describe('API tokens and upload links', () => {
  let system: TestSystem;
  let db: DataSource;
  let fixture: PlanFixture;

  const http = () => system.http();
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  beforeAll(async () => {
    system = await startTestSystem();
    db = system.api.get(DataSource);
    fixture = await createPlanFixture(system, { language: 'en', policy: secondsPolicy({ evidenceRequestLeadSeconds: 59, reminderIntervalSeconds: 600 }) });
  });

  afterAll(async () => {
    await system?.close();
  });

  async function createToken(body: Record<string, unknown>): Promise<{ id: string; token: string; expiresAt: string | null }> {
    const response = await http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send(body).expect(201);
    return response.body;
  }

  /** A request any coordinator or IMB token may make. */
  const readJurisdiction = (token: string) => http().get(`/jurisdictions/${fixture.jurisdictionId}`).set(bearer(token));

  function expectUnauthorized(response: { status: number; headers: Record<string, string>; body: { detail?: string } }): void {
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
  }

  describe('API tokens', () => {
    it('stores only the hash: the plaintext is in no api_token column and no audit event', async () => {
      const created = await createToken({ role: 'imb', label: `IMB ${randomBytes(3).toString('hex')}` });
      expect(created.token).toMatch(/^ogp_/);
      await readJurisdiction(created.token).expect(200);

      const [row] = await db.query(`SELECT row_to_json(t)::text AS json, t.token_hash FROM api_token t WHERE id = $1`, [created.id]);
      expect(row.json).not.toContain(created.token);
      expect(row.json).not.toContain(created.token.slice(4)); // without the prefix either
      expect(row.token_hash).toBe(sha256(created.token));

      const audit: { action: string; json: string }[] = await db.query(`SELECT action, row_to_json(a)::text AS json FROM audit_event a WHERE entity_id = $1`, [created.id]);
      expect(audit.map((a) => a.action)).toEqual(['api_token.created']);
      const anywhere = await db.query(`SELECT count(*)::int AS n FROM audit_event a WHERE strpos(row_to_json(a)::text, $1) > 0 OR strpos(row_to_json(a)::text, $2) > 0`, [
        created.token.slice(4),
        row.token_hash,
      ]);
      expect(anywhere[0].n).toBe(0);
    });

    it('refuses a revoked token on the very next request', async () => {
      const created = await createToken({ role: 'coordinator', label: 'Revoked at once' });
      await readJurisdiction(created.token).expect(200);
      const revoked = await http().delete(`/tokens/${created.id}`).set(fixture.coordinator).expect(200);
      expect(revoked.body.revokedAt).not.toBeNull();

      const refused = await readJurisdiction(created.token);
      expectUnauthorized(refused);
      expect(refused.body.detail).toBe(GENERIC_401);
      // The revoked token cannot revoke anything either, itself included.
      expectUnauthorized(await http().delete(`/tokens/${created.id}`).set(bearer(created.token)));
      const audit = await db.query(`SELECT action FROM audit_event WHERE entity_id = $1 ORDER BY id`, [created.id]);
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['api_token.created', 'api_token.revoked']);
    });

    it('takes an optional expiry: the token works until then and is refused after, with the answer an unknown token gets', async () => {
      const expiresAt = new Date(Date.now() + 4_000).toISOString();
      const created = await createToken({ role: 'coordinator', label: 'Expires soon', expiresAt });
      expect(created.expiresAt).toBe(expiresAt);
      const listed = await http().get(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).expect(200);
      expect(listed.body.find((t: { id: string }) => t.id === created.id)).toMatchObject({ expiresAt, revokedAt: null });
      const [audit] = await db.query(`SELECT after FROM audit_event WHERE entity_id = $1 AND action = 'api_token.created'`, [created.id]);
      expect(new Date(audit.after.expiresAt).toISOString()).toBe(expiresAt);

      await readJurisdiction(created.token).expect(200);
      const refused = await eventually(() => readJurisdiction(created.token), (response) => response.status !== 200, { timeoutMs: 20_000, description: 'the token to expire' });
      expectUnauthorized(refused);
      expect(Date.now()).toBeGreaterThanOrEqual(new Date(expiresAt).getTime());
      const unknown = await readJurisdiction(`ogp_${randomBytes(32).toString('base64url')}`);
      expectUnauthorized(unknown);
      expect(refused.body).toEqual({ ...unknown.body, instance: refused.body.instance });
      expect(refused.body.detail).toBe(GENERIC_401);

      // A token without expiry lists null and keeps working.
      const lasting = await createToken({ role: 'coordinator', label: 'No expiry' });
      expect(lasting.expiresAt).toBeNull();
      await readJurisdiction(lasting.token).expect(200);
    });

    it.each([
      ['in the past', new Date(Date.now() - 60_000).toISOString()],
      ['now-ish (a second ago)', new Date(Date.now() - 1_000).toISOString()],
      ['not a date', 'tomorrow'],
      ['a number', 1893456000000],
    ])('refuses an expiresAt %s with 400 naming the field, and creates nothing', async (_case, expiresAt) => {
      const label = `Refused ${randomBytes(3).toString('hex')}`;
      const response = await http().post(`/jurisdictions/${fixture.jurisdictionId}/tokens`).set(fixture.coordinator).send({ role: 'coordinator', label, expiresAt }).expect(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(['expiresAt']);
      expect((await db.query(`SELECT count(*)::int AS n FROM api_token WHERE label = $1`, [label]))[0].n).toBe(0);
    });

    it('refuses a wrong admin token of the same length and of any other length', async () => {
      const admin = system.config.adminToken;
      await http().get('/jurisdictions').set(system.adminAuth).expect(200);
      const lastChanged = admin.slice(0, -1) + (admin.endsWith('A') ? 'B' : 'A');
      const firstChanged = (admin.startsWith('A') ? 'B' : 'A') + admin.slice(1);
      for (const wrong of [lastChanged, firstChanged, admin.slice(0, -1), `${admin}x`, admin.toUpperCase() === admin ? admin.toLowerCase() : admin.toUpperCase(), 'x', 'y'.repeat(200), 'z'.repeat(201)]) {
        expect(wrong).not.toBe(admin);
        const response = await http().get('/jurisdictions').set(bearer(wrong));
        expectUnauthorized(response);
      }
    });
  });

  describe('upload links', () => {
    let first: { milestoneId: string; token: string; requestId: string; title: string };
    let second: { milestoneId: string; token: string; requestId: string; title: string };

    /** A milestone whose workflow has opened its evidence request, with the link of its email. */
    async function milestoneWithLink(title: string) {
      const now = Date.now();
      const response = await http()
        .post(`/commitments/${fixture.commitmentId}/milestones`)
        .set(fixture.coordinator)
        .send({ title, startAt: new Date(now).toISOString(), dueAt: new Date(now + 60_000).toISOString(), responsibleAgencyId: fixture.agencyId })
        .expect(201);
      await workflowStarted(system, response.body.workflowId);
      const mail = await system.mail.waitFor((m) => m.envelopeTo.includes(fixture.agencyEmail) && (m.parsed.subject ?? '').includes(title));
      const token = uploadTokenFrom(mail.parsed.text!);
      const check = verifyUploadLink(token, system.config.uploadLinkSecret);
      if (!check.valid) throw new Error(`the emailed link does not verify: ${check.reason}`);
      return { milestoneId: response.body.id as string, token, requestId: check.claims.evidenceRequestId, title };
    }

    const requestStatus = async (id: string) => (await db.getRepository(EvidenceRequestEntity).findOneByOrFail({ id })).status;

    beforeAll(async () => {
      first = await milestoneWithLink(`Tools evaluated ${randomBytes(3).toString('hex')}`);
      second = await milestoneWithLink(`Portal published ${randomBytes(3).toString('hex')}`);
      const firstRequest = await db.getRepository(EvidenceRequestEntity).findOneByOrFail({ id: first.requestId });
      expect(firstRequest.milestoneId).toBe(first.milestoneId);
      expect(first.requestId).not.toBe(second.requestId);
    });

    it("describes its own milestone's request only", async () => {
      const own = await http().get(`/evidence-uploads/${first.token}`).expect(200);
      expect(own.body).toMatchObject({ evidenceRequestId: first.requestId, milestoneTitle: first.title, status: 'open' });
      expect(JSON.stringify(own.body)).not.toContain(second.title);
      expect(JSON.stringify(own.body)).not.toContain(second.milestoneId);
    });

    it('refuses a link whose request id was swapped for another (signature kept) or whose signature was changed', async () => {
      const [payload, signature] = first.token.split('.');
      const claims = Buffer.from(payload, 'base64url').toString('utf8');
      const swapped = `${Buffer.from(claims.replace(first.requestId, second.requestId)).toString('base64url')}.${signature}`;
      const lastChar = signature.at(-1) === 'A' ? 'B' : 'A';
      const resigned = `${payload}.${signature.slice(0, -1)}${lastChar}`;
      const otherSecret = signUploadLink({ evidenceRequestId: second.requestId, expiresAt: new Date(Date.now() + 3_600_000) }, randomBytes(24).toString('base64url'));
      for (const forged of [swapped, resigned, otherSecret, `${first.token}x`, payload]) {
        const read = await http().get(`/evidence-uploads/${forged}`);
        expect(read.status).toBe(401);
        expect(read.headers['content-type']).toContain('application/problem+json');
        await http().post(`/evidence-uploads/${forged}`).send({ narrative: 'Forged', claimedCompletion: 'complete' }).expect(401);
      }
      expect(await requestStatus(second.requestId)).toBe(EvidenceRequestStatus.Open);
      expect(await db.getRepository(EvidenceEntity).countBy({ milestoneId: second.milestoneId })).toBe(0);
    });

    it('refuses an expired link (410) and one that names no request (404)', async () => {
      const expired = signUploadLink({ evidenceRequestId: second.requestId, expiresAt: new Date(Date.now() - 1_000) }, system.config.uploadLinkSecret);
      const read = await http().get(`/evidence-uploads/${expired}`).expect(410);
      expect(read.headers['content-type']).toContain('application/problem+json');
      await http().post(`/evidence-uploads/${expired}`).send({ narrative: 'Too late', claimedCompletion: 'complete' }).expect(410);
      const nowhere = signUploadLink({ evidenceRequestId: '00000000-0000-4000-8000-000000000000', expiresAt: new Date(Date.now() + 3_600_000) }, system.config.uploadLinkSecret);
      await http().get(`/evidence-uploads/${nowhere}`).expect(404);
      await http().post(`/evidence-uploads/${nowhere}`).send({ narrative: 'Nowhere', claimedCompletion: 'complete' }).expect(404);
      expect(await requestStatus(second.requestId)).toBe(EvidenceRequestStatus.Open);
    });

    it("submits to its own milestone only; answered, it cannot be used again, and it is no bearer token for another milestone", async () => {
      const receipt = await http().post(`/evidence-uploads/${first.token}`).send({ narrative: 'Evaluation report', claimedCompletion: 'complete' }).expect(201);
      expect(receipt.body).toMatchObject({ milestoneId: first.milestoneId, milestoneStatus: 'under_review' });
      expect(await db.getRepository(EvidenceEntity).countBy({ milestoneId: first.milestoneId })).toBe(1);
      expect(await db.getRepository(EvidenceEntity).countBy({ milestoneId: second.milestoneId })).toBe(0);
      expect(await requestStatus(second.requestId)).toBe(EvidenceRequestStatus.Open);

      await http().post(`/evidence-uploads/${first.token}`).send({ narrative: 'Again', claimedCompletion: 'complete' }).expect(409);
      const asBearer = await http().post(`/milestones/${second.milestoneId}/evidence`).set(bearer(first.token)).send({ narrative: 'Through the back door', claimedCompletion: 'complete' });
      expectUnauthorized(asBearer);
      expectUnauthorized(await http().get(`/milestones/${second.milestoneId}/evidence`).set(bearer(first.token)));
      expect(await db.getRepository(EvidenceEntity).countBy({ milestoneId: second.milestoneId })).toBe(0);

      // The second link still works for its own request.
      const own = await http().post(`/evidence-uploads/${second.token}`).send({ narrative: 'Portal report', claimedCompletion: 'substantial' }).expect(201);
      expect(own.body.milestoneId).toBe(second.milestoneId);
    });
  });
});
