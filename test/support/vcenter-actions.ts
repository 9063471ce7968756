// What a vSphere admin does to the test vCenter (power operations, posted events), and what
// vCenter then logged, read back the way the router reads it: through an EventHistoryCollector.
import type { Vcsim } from './vcsim';
import {
  eventExXml,
  generalUserEventXml,
  VcsimSoapClient,
  type VcsimEvent,
  type VmPlacement,
} from './vcsim-soap';

/** An event of vCenter's history, known by its key and the subject its CloudEvent gets. */
export interface HistoryEvent {
  key: number;
  subject: string;
}

export class VcenterActions {
  private constructor(
    private readonly soap: VcsimSoapClient,
    readonly vms: VmPlacement[],
    /** The newest key before the test's actions: later keys are theirs (or the router's). */
    readonly startKey: number,
  ) {}

  static async connect(vcsim: Vcsim): Promise<VcenterActions> {
    const soap = await VcsimSoapClient.loggedIn(vcsim);
    const vms = await soap.findVms();
    const { lastEventKey } = await vcsim.status();
    return new VcenterActions(soap, vms, lastEventKey);
  }

  powerOff(vm: VmPlacement): Promise<void> {
    return this.soap.powerOffVm(vm.vm.ref);
  }

  powerOn(vm: VmPlacement): Promise<void> {
    return this.soap.powerOnVm(vm.vm.ref);
  }

  async powerCycle(vm: VmPlacement): Promise<void> {
    await this.powerOff(vm);
    await this.powerOn(vm);
  }

  /** PostEvent of an EventEx; `argumentChars` makes it large through one long argument. */
  eventEx(eventTypeId: string, argumentChars = 0): Promise<void> {
    const args = [{ key: 'requestedBy', value: 'e2e' }];
    if (argumentChars > 0) {
      args.push({ key: 'inventory', value: 'vm;'.repeat(argumentChars / 3) });
    }
    return this.soap.postEvent(
      eventExXml({
        eventTypeId,
        placement: this.vms[0],
        severity: 'info',
        message: `${eventTypeId} for ${this.vms[0].vm.name}`,
        arguments: args,
      }),
    );
  }

  userEvent(message: string): Promise<void> {
    return this.soap.postEvent(generalUserEventXml({ message, entity: this.vms[0].vm }));
  }

  /** vCenter's whole history, oldest first. */
  async history(): Promise<VcsimEvent[]> {
    const collector = await this.soap.createCollectorForEvents();
    try {
      return await this.soap.readToEnd(collector);
    } finally {
      await this.soap.destroyCollector(collector);
    }
  }

  /** The history after startKey, with each event's CloudEvent subject. */
  async historySinceStart(): Promise<HistoryEvent[]> {
    const events = await this.history();
    return events
      .filter((event) => event.key > this.startKey)
      .map((event) => ({
        key: event.key,
        subject:
          event.type === 'EventEx' || event.type === 'ExtendedEvent'
            ? (event.eventTypeId ?? event.type)
            : event.type,
      }));
  }
}
