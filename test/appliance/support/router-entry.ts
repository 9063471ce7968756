// A stand-in for the router binary's entry while router/src/main.ts does not carry the setup
// command yet: `node --import tsx test/appliance/support/router-entry.ts setup ...`.
import { Command } from 'commander';
import { setupCommand } from '../../../router/src/cli/setup';

new Command('vmware-event-router').addCommand(setupCommand()).parse();
