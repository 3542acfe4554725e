import { describe, expect, it } from '@jest/globals';
import { tokenize, WILDCARD } from '../../src/log-templates/index.js';

const shape = (line: string) => tokenize(line).join(' ');

// Pairs of real lines of one kind (Loghub's ground truth) that differ only in their variables:
// the classes of false "new" kinds in issue 18, each as two lines that must read the same.
describe('tokens as the ground truth reads a variable', () => {
  it.each([
    [
      'ids that mix letters, digits and _',
      'JVM with ID: jvm_1445144423722_0020_m_000003 given task: attempt_1445144423722_0020_m_000001_0',
      'JVM with ID: jvm_1445144423722_0020_m_000002 given task: attempt_1445144423722_0020_m_000000_0',
    ],
    ['a host name with a number', 'Lustre mount FAILED : bglio78', 'Lustre mount FAILED : bglio617'],
    ['a slot name', 'processor card slot J14', 'processor card slot J08'],
    [
      'a block id, signed or not',
      'Deleting block blk_8767569714374844347',
      'Deleting block blk_-1608999687919862906',
    ],
    [
      'short hex without 0x',
      'Alarm{2741459 type 2 com.tencent.mm PendingIntent{f75f81e: PendingIntentRecord}',
      'Alarm{19069ff type 2 com.tencent.mm PendingIntent{50303cc: PendingIntentRecord}',
    ],
    [
      'a list of any length',
      'BLOCK* ask 10.250.14.224:50010 to delete  blk_-6943191935413011417',
      'BLOCK* ask 10.251.91.84:50010 to delete  blk_7795541287585216318 blk_-1044196519478430117 blk_5225719677049010',
    ],
    [
      'a list with separators',
      'failed to resolve data source name dn270, dn271, dn272',
      'failed to resolve data source name dn9',
    ],
    [
      'a dotted name before a colon',
      'com.apple.icloud.fmfd.heartbeat: scheduler_evaluate_activity told me to run this job',
      'com.apple.cachedelete.daily: scheduler_evaluate_activity told me to run this job',
    ],
    [
      'a weekday, a month and a time',
      'connection at Sun Jul 3 23:16:09 2005',
      'connection at Mon Jun 27 08:01:44 2005',
    ],
    ['a boolean', 'cache enabled: true', 'cache enabled: false'],
    [
      'a host and port',
      'a.example.com:80 error : could not connect',
      'b.example.com:8080 error : could not connect',
    ],
  ])('%s', (_, one, other) => {
    expect(shape(one)).toBe(shape(other));
  });

  it.each([
    ['session opened for user root by (uid=0)', 'session opened for user root by (uid=<*>)'],
    ['listening on port:8080 now', 'listening on port:<*> now'],
    ['Server environment:java.home=/usr/lib/jvm', 'Server environment:java.home=<*>'],
    ['java.io.IOException: Connection reset', 'java.io.IOException: Connection reset'],
    ['jvm_1445144423722_0020_m_000003 given task', `${WILDCARD} given task`],
    ['dn270 dn271 dn272 down', `${WILDCARD} down`],
    ['42 10.0.0.1 0xff 2024-01-01', WILDCARD],
    ['GET https://api.example.com/v1/x?y=1 failed', `GET ${WILDCARD} failed`],
    ['see (http://docs.example/y). now', `see ${WILDCARD} now`],
    ['mail to ops@example.com bounced', `mail to ${WILDCARD} bounced`],
  ])('%j', (line, tokens) => {
    expect(shape(line)).toBe(tokens);
  });

  it('keeps kinds apart that differ in a word', () => {
    expect(shape('Link error on node-7')).not.toBe(shape('Link ok on node-7'));
    expect(shape('java.io.IOException: x')).not.toBe(shape('java.net.SocketException: x'));
  });
});
