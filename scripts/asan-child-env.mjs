// Loaded first by scripts/test-native-asan.sh. The programs tests start (ip, sysctl, setpriv and
// the node behind it) inherit libasan, so a node child still loads the sanitized addon, but they
// do not check for leaks: most of them are not ours, and their exits are not the addon's.
import process from 'node:process';

process.env.ASAN_OPTIONS = 'detect_leaks=0';
