#!/usr/bin/env node
// The AWS SDK prints a multi-line Node-version notice on Node 20; errors here are one line.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import('../dist/src/cli/main.js').then((m) => m.main(process.argv));
