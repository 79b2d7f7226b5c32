// Writes debian/changelog for a build: one entry for this version, naming the commit it was
// built from, dated by the commit (SOURCE_DATE_EPOCH then follows it: reproducible builds).
//   node packaging/changelog.mjs --version V --commit C --epoch SECONDS
import { parseArgs } from 'node:util';
import process from 'node:process';
import console from 'node:console';

const { values } = parseArgs({
  options: { version: { type: 'string' }, commit: { type: 'string' }, epoch: { type: 'string' } },
});
if (!values.version || !values.commit || !values.epoch) {
  console.error('usage: changelog.mjs --version V --commit C --epoch SECONDS');
  process.exit(2);
}
// RFC 2822, as dpkg-parsechangelog wants it: "Thu, 01 Jan 2026 12:00:00 +0000".
const date = new Date(Number(values.epoch) * 1000).toUTCString().replace('GMT', '+0000');
process.stdout.write(`vpp-maglev (${values.version}) unstable; urgency=medium

  * Built from commit ${values.commit}.

 -- vpp-maglev maintainers <vpp-maglev@users.noreply.github.com>  ${date}
`);
