package main

import (
	"context"
	"encoding/xml"
	"fmt"
	"math/rand"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// A burst posts many events of the kinds a busy vCenter emits, straight into the
// EventManager, for benchmarks. Event sizes are the XML a client receives, roughly
// 0.5 KB to 5 KB. The same seed gives the same kinds, users, VMs and sizes; which host a VM
// sits on is the model's random pick, so names (and a few bytes) vary between runs.

const (
	minEventBytes = 512
	maxEventBytes = 5 * 1024
	// postsPerLock bounds how long a burst holds the EventManager, so SOAP calls that post
	// events (logins, power operations) still get through during a long burst.
	postsPerLock = 200
	// envelopeBytes is what the SOAP response adds per event beyond encoding/xml's output
	// (xsi:type, namespaces) and what FullFormattedMessage adds from the type's format.
	envelopeBytes = 120
)

var burstUsers = []string{
	"VSPHERE.LOCAL\\Administrator",
	"VSPHERE.LOCAL\\svc-automation",
	"CORP\\jdoe",
	"", // events vCenter itself raises have no user
}

var eventExTypes = []string{
	"com.vmware.vc.HA.HostStateChangedEvent",
	"com.vmware.vc.vm.VmStateRevertedToSnapshot",
	"com.vmware.vc.guestOperations.GuestOperation",
	"esx.problem.storage.connectivity.lost",
	"vim.event.SubscriptionLicenseExpiredEvent",
}

var extendedEventTypes = []string{
	"com.vmware.vcIntegrity.ScanStart",
	"com.vmware.vcIntegrity.RemediateSuccess",
	"com.vmware.vsan.health.test.controllerdriver.event.greenToYellow",
}

// words are what padding is made of, so that large events look like text, not filler.
var words = strings.Fields("the virtual machine configuration was changed by policy on " +
	"cluster host datastore network adapter memory reservation snapshot guest tools " +
	"annotation owner team cost center backup schedule nightly retention compliance")

type burstResult struct {
	Posted   int   `json:"posted"`
	FirstKey int32 `json:"firstKey"`
	LastKey  int32 `json:"lastKey"`
	Bytes    int64 `json:"approxBytes"`
}

type burster struct {
	placements []vmPlacement
	random     *rand.Rand
	bytes      int64
}

// postBurst posts count events (at least one) and returns when all are in the history. Other
// sessions may post in between, so the keys from FirstKey to LastKey are not all the burst's.
func postBurst(placements []vmPlacement, count int, seed int64) burstResult {
	b := &burster{placements: placements, random: rand.New(rand.NewSource(seed))}
	m := simulator.Map.EventManager()
	result := burstResult{Posted: count}

	for posted := 0; posted < count; {
		chunk := minInt(postsPerLock, count-posted)
		events := make([]types.BaseEvent, chunk)
		for i := range events {
			events[i] = b.next()
		}
		simulator.Map.WithLock(m, func() {
			for _, event := range events {
				m.PostEvent(burstContext(event), &types.PostEvent{EventToPost: event})
			}
		})
		if posted == 0 {
			result.FirstKey = events[0].GetEvent().Key
		}
		result.LastKey = events[chunk-1].GetEvent().Key
		posted += chunk
	}

	result.Bytes = b.bytes
	return result
}

// burstContext stands for the session that posted the event; only its user name is read.
func burstContext(event types.BaseEvent) *simulator.Context {
	return &simulator.Context{
		Context: context.Background(),
		Session: &simulator.Session{
			UserSession: types.UserSession{UserName: event.GetEvent().UserName},
		},
		Map: simulator.Map,
	}
}

// next makes one event; the mix leans on the VM events every vCenter is full of.
func (b *burster) next() types.BaseEvent {
	p := b.placements[b.random.Intn(len(b.placements))]
	base := types.Event{
		UserName:        burstUsers[b.random.Intn(len(burstUsers))],
		Datacenter:      &p.datacenter,
		ComputeResource: &p.computeResource,
		Host:            &p.host,
		Vm:              &p.vm,
		Ds:              p.datastore,
	}
	target := minEventBytes + b.random.Intn(maxEventBytes-minEventBytes+1)

	var event types.BaseEvent
	switch roll := b.random.Intn(100); {
	case roll < 15:
		event = &types.VmPoweredOnEvent{VmEvent: types.VmEvent{Event: base}}
	case roll < 30:
		event = &types.VmPoweredOffEvent{VmEvent: types.VmEvent{Event: base}}
	case roll < 45:
		event = b.reconfigured(base, target)
	case roll < 60:
		event = b.eventEx(base, p, target)
	case roll < 70:
		event = b.extended(base, p, target)
	case roll < 80:
		event = b.login(base)
	case roll < 90:
		event = b.alarm(base, p)
	case roll < 95:
		event = b.userEvent(base, p, target)
	default:
		event = b.task(base, p)
	}

	b.bytes += int64(encodedSize(event))
	return event
}

func (b *burster) reconfigured(base types.Event, target int) types.BaseEvent {
	e := &types.VmReconfiguredEvent{VmEvent: types.VmEvent{Event: base}}
	e.ConfigSpec.MemoryMB = int64(1024 * (1 + b.random.Intn(16)))
	e.ConfigSpec.NumCPUs = int32(1 + b.random.Intn(8))
	e.ConfigChanges = &types.ChangesInfoEventArgument{Modified: "config.hardware.memoryMB"}
	e.ConfigSpec.Annotation = b.padding(target - encodedSize(e))
	return e
}

func (b *burster) eventEx(base types.Event, p vmPlacement, target int) types.BaseEvent {
	e := &types.EventEx{
		Event:       base,
		EventTypeId: eventExTypes[b.random.Intn(len(eventExTypes))],
		Severity:    []string{"info", "warning", "error"}[b.random.Intn(3)],
		ObjectId:    p.vm.Vm.Value,
		ObjectType:  p.vm.Vm.Type,
		ObjectName:  p.vm.Name,
		Arguments: []types.KeyAnyValue{
			{Key: "vm", Value: p.vm.Name},
			{Key: "host", Value: p.host.Name},
			{Key: "attempt", Value: int32(1 + b.random.Intn(5))},
		},
	}
	e.FullFormattedMessage = fmt.Sprintf("%s on %s: %s", e.EventTypeId, p.vm.Name, e.Severity)
	e.Message = b.padding(target - encodedSize(e))
	return e
}

func (b *burster) extended(base types.Event, p vmPlacement, target int) types.BaseEvent {
	e := &types.ExtendedEvent{
		GeneralEvent:  types.GeneralEvent{Event: base, Message: "extension event"},
		EventTypeId:   extendedEventTypes[b.random.Intn(len(extendedEventTypes))],
		ManagedObject: p.vm.Vm,
		Data: []types.ExtendedEventPair{
			{Key: "entityName", Value: p.vm.Name},
			{Key: "hostName", Value: p.host.Name},
		},
	}
	e.FullFormattedMessage = e.EventTypeId + " for " + p.vm.Name
	e.Data = append(e.Data, types.ExtendedEventPair{Key: "details"})
	e.Data[len(e.Data)-1].Value = b.padding(target - encodedSize(e))
	return e
}

func (b *burster) login(base types.Event) types.BaseEvent {
	base.Vm, base.Host, base.ComputeResource, base.Ds, base.Datacenter = nil, nil, nil, nil, nil
	if base.UserName == "" {
		base.UserName = burstUsers[0]
	}
	return &types.UserLoginSessionEvent{
		SessionEvent: types.SessionEvent{Event: base},
		IpAddress:    fmt.Sprintf("10.0.%d.%d", b.random.Intn(256), 1+b.random.Intn(254)),
		UserAgent:    "pyvmomi Python/3.11",
		Locale:       "en",
		SessionId:    fmt.Sprintf("52%030x", b.random.Uint64()),
	}
}

func (b *burster) alarm(base types.Event, p vmPlacement) types.BaseEvent {
	from, to := "green", "yellow"
	if b.random.Intn(2) == 0 {
		from, to = "yellow", "red"
	}
	e := &types.AlarmStatusChangedEvent{
		AlarmEvent: types.AlarmEvent{
			Event: base,
			Alarm: types.AlarmEventArgument{
				Alarm: types.ManagedObjectReference{Type: "Alarm", Value: "alarm-6"},
			},
		},
		From: from,
		To:   to,
	}
	e.Alarm.Name = "Virtual machine CPU usage"
	e.Source.Name, e.Source.Entity = p.datacenter.Name, p.datacenter.Datacenter
	e.Entity.Name, e.Entity.Entity = p.vm.Name, p.vm.Vm
	e.FullFormattedMessage = fmt.Sprintf("Alarm '%s' on %s changed from %s to %s",
		e.Alarm.Name, p.vm.Name, from, to)
	return e
}

func (b *burster) userEvent(base types.Event, p vmPlacement, target int) types.BaseEvent {
	e := &types.GeneralUserEvent{
		GeneralEvent: types.GeneralEvent{Event: base},
		Entity:       &types.ManagedEntityEventArgument{Entity: p.vm.Vm},
	}
	e.Entity.Name = p.vm.Name
	e.Message = b.padding(target - encodedSize(e))
	e.FullFormattedMessage = "User logged event: " + e.Message
	return e
}

func (b *burster) task(base types.Event, p vmPlacement) types.BaseEvent {
	e := &types.TaskEvent{Event: base}
	e.Info = types.TaskInfo{
		Key:           fmt.Sprintf("task-%d", 1000+b.random.Intn(100000)),
		Task:          types.ManagedObjectReference{Type: "Task", Value: "task-burst"},
		Name:          "ReconfigVM_Task",
		DescriptionId: "VirtualMachine.reconfigure",
		Entity:        &p.vm.Vm,
		EntityName:    p.vm.Name,
		State:         types.TaskInfoStateQueued,
	}
	e.FullFormattedMessage = "Task: Reconfigure virtual machine"
	return e
}

// padding is text of about n bytes (none when n is not positive).
func (b *burster) padding(n int) string {
	var text strings.Builder
	for text.Len() < n {
		if text.Len() > 0 {
			text.WriteByte(' ')
		}
		text.WriteString(words[b.random.Intn(len(words))])
	}
	return text.String()
}

// encodedSize estimates the bytes the event takes in a SOAP response.
func encodedSize(event types.BaseEvent) int {
	encoded, err := xml.Marshal(event)
	if err != nil {
		return 0
	}
	return len(encoded) + envelopeBytes
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}
