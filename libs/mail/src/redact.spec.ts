import { REDACTED_ADDRESS, redactAddresses } from './redact';

describe(redactAddresses.name, () => {
  it.each([
    ['550 5.1.1 <ana@vecinos.example>: Recipient address rejected: User unknown', `550 5.1.1 <${REDACTED_ADDRESS}>: Recipient address rejected: User unknown`],
    ["Can't send mail - all recipients were rejected: 550 ana.maria+digest@Vecinos.Example", `Can't send mail - all recipients were rejected: 550 ${REDACTED_ADDRESS}`],
    ['421 too many messages for josé.pérez@correo.municipalidad.gob.ar, try later', `421 too many messages for ${REDACTED_ADDRESS}, try later`],
    ['RCPT TO:<"ana maria"@example.org> refused', `RCPT TO:<${REDACTED_ADDRESS}> refused`],
    ['mailto:ana@[192.0.2.1];', `mailto:${REDACTED_ADDRESS};`],
    ['link /x?email=ana%40vecinos.example&y=1', `link ${REDACTED_ADDRESS}&y=1`],
    ['two: a@x.example and b_c@y.example.', `two: ${REDACTED_ADDRESS} and ${REDACTED_ADDRESS}.`],
  ])('%s', (text, expected) => {
    expect(redactAddresses(text)).toBe(expected);
  });

  it('keeps text without an address as it was', () => {
    for (const text of ['Connection timeout', '451 4.7.1 Greylisted, try again in 300 s', 'user @ host', 'ends with @', '']) expect(redactAddresses(text)).toBe(text);
  });

  it('leaves no address behind in a long answer, and stays fast', () => {
    const text = `${'x'.repeat(20_000)} ${Array.from({ length: 200 }, (_, i) => `<p${i}@d${i}.example>`).join(', ')}`;
    const started = Date.now();
    const out = redactAddresses(text);
    expect(Date.now() - started).toBeLessThan(100);
    expect(out).not.toContain('@');
    expect(out.split(REDACTED_ADDRESS)).toHaveLength(201);
  });
});
