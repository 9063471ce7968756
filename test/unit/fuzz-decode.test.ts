// Fuzzing the vim25 decoder (router/src/vcenter/decode.ts, xml.ts) with what a broken, hostile
// or merely unusual vCenter might send: every outcome is a page of well-formed events or one
// of the documented errors (XmlParseError, SoapResponseError, VimFaultError) with a short,
// clear message; no case hangs or grows memory without bound. The properties live in
// test/fuzz/decode-worker.ts; FUZZ_SCALE, FUZZ_SEED and FUZZ_PATH are in test/fuzz/settings.ts.
import path from 'node:path';

import { describeFuzzProperties } from '../fuzz/run-properties';

describeFuzzProperties(
  'vim25 decoder fuzz',
  path.resolve(__dirname, '../fuzz/decode-worker.ts'),
  512,
  [
    { name: 'any text at all', runs: 400 },
    { name: 'SOAP and XML pieces in any order', runs: 400 },
    { name: 'fixtures cut, spliced and copied into themselves', runs: 600 },
    { name: 'fixtures with flipped bits read as UTF-8', runs: 400 },
    { name: 'edited fields never cost the page an event', runs: 400 },
    { name: 'namespace prefixes are only names', runs: 100 },
    { name: 'an envelope or body in another namespace is refused', runs: 150 },
    { name: 'unknown elements are kept beside the declared fields, never over them', runs: 300 },
    { name: 'message text comes through unchanged', runs: 200 },
    { name: 'huge fields are read whole', runs: 12 },
    { name: 'errors about huge names stay short', runs: 40 },
    { name: 'a SOAP Fault is a VimFaultError with its type and message', runs: 200 },
    { name: 'nesting is accepted to its bound and refused beyond it', runs: 150 },
    { name: 'entities are never expanded, files and URLs never read', runs: 60 },
  ],
);
