// This file replaces simulator/event_manager.go of govmomi 0.24.2 (Debian's
// golang-github-vmware-govmomi-dev) when scripts/build-vcsim.sh builds the test vCenter with
// `go build -overlay`. It keeps the names the rest of the simulator package uses (EventManager,
// EventHistoryCollector, their init and vim25 methods) and rewrites the event history so that
// it behaves the way VMware's API reference describes a vCenter:
//
//   - one history in creation order, at most EventHistorySize events, the oldest dropped first;
//   - a collector's items are always in creation order; ReadNextEvents moves from the oldest
//     to the newest and, once at the end, returns the events created after that on a later
//     call; ReadPreviousEvents moves back; RewindCollector and ResetCollector move the view;
//   - latestPage holds the newest page (newest first; the reference calls it unordered);
//   - EventFilterSpec time (beginTime and endTime inclusive), userName, eventChainId,
//     category, type/eventTypeId, tag, alarm, scheduledTask, entity and disableFullMessage
//     are honoured.
//
// Positions are internal sequence numbers, never event keys: keys are vim25 int32s that wrap
// from MaxInt32 to MinInt32, so nothing here compares keys.

package simulator

import (
	"bytes"
	"fmt"
	"log"
	"reflect"
	"sort"
	"sync"
	"text/template"
	"time"

	"github.com/vmware/govmomi/simulator/esx"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

var (
	// EventHistorySize bounds the events the EventManager keeps. Set it before the model is
	// created; the test vCenter's main sets it from a flag.
	EventHistorySize = 1000

	// FirstEventKey is the key of the first event posted. Later keys count up and wrap like
	// an int32, which lets tests start just below MaxInt32.
	FirstEventKey int32 = 1
)

const (
	defaultCollectorPageSize = 10
	maxCollectorPageSize     = 1000
	maxEventsPerRead         = 1000
	maxCollectorsPerManager  = 1000
)

// eventRecord is an event with its place in the history: seq grows by one per event and
// never wraps (uint64), unlike the event key.
type eventRecord struct {
	seq   uint64
	event types.BaseEvent
}

type EventManager struct {
	mo.EventManager

	root types.ManagedObjectReference

	// mu guards every field below and every collector's matches and cursor. It is not one of
	// the registry's object locks and is never held while one is taken, so PostEvent (which
	// runs under the EventManager's lock, then takes collector locks) and collector methods
	// (which run under their collector's lock) cannot deadlock.
	mu          sync.Mutex
	history     []eventRecord // a ring once it holds EventHistorySize events
	historyHead int           // index of the oldest record once the ring is full
	nextSeq     uint64
	key         int32 // key of the most recent event
	lastCreated time.Time
	collectors  map[types.ManagedObjectReference]*EventHistoryCollector
	templates   map[string]*template.Template // a nil entry: the type has no usable format
	categories  map[string]string
	typeNames   map[reflect.Type][]string
}

func (m *EventManager) init(r *Registry) {
	if len(m.Description.EventInfo) == 0 {
		m.Description.EventInfo = esx.EventInfo
	}
	if m.MaxCollector == 0 {
		m.MaxCollector = maxCollectorsPerManager
	}
	m.root = r.content().RootFolder
	m.key = FirstEventKey - 1
	m.history = make([]eventRecord, 0, minInt(historyCapacity(), 4096))
	m.collectors = make(map[types.ManagedObjectReference]*EventHistoryCollector)
	m.templates = make(map[string]*template.Template)
	m.categories = make(map[string]string)
	for _, info := range m.Description.EventInfo {
		m.categories[info.Key] = info.Category
	}
	m.typeNames = make(map[reflect.Type][]string)
}

func historyCapacity() int {
	if EventHistorySize < 1 {
		return 1
	}
	return EventHistorySize
}

// HistoryStats reports how many events the history holds and the key of the newest one
// (FirstEventKey-1 before any event). The test vCenter's control server reports them.
func (m *EventManager) HistoryStats() (count int, lastKey int32) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.history), m.key
}

func (m *EventManager) PostEvent(ctx *Context, req *types.PostEvent) soap.HasFault {
	event := req.EventToPost
	if event == nil { // also what the decoder leaves for an unknown xsi:type
		fault := &types.InvalidArgument{InvalidProperty: "eventToPost"}
		msg := "eventToPost is missing or of a type govmomi 0.24.2 does not know"
		return &methods.PostEventBody{Fault_: Fault(msg, fault)}
	}

	// Building latestPage for every collector on every event is what makes a burst slow;
	// only a PropertyCollector waiting for updates needs it (property reads call Get()).
	notify := propertyCollectorListening()

	m.mu.Lock()
	m.stamp(ctx, event)
	m.formatMessage(event)
	record := m.remember(event)
	updates := m.offerToCollectors(record, notify)
	m.mu.Unlock()

	m.LatestEvent = event // the caller holds the EventManager's lock
	if !notify {
		return &methods.PostEventBody{Res: new(types.PostEventResponse)}
	}

	// Property updates go out after mu is released: they take registry locks.
	for _, u := range updates {
		u := u
		ctx.WithLock(u.collector, func() {
			Map.Update(u.collector, []types.PropertyChange{{Name: "latestPage", Val: u.page}})
		})
	}
	Map.Update(m, []types.PropertyChange{{Name: "latestEvent", Val: event}})

	return &methods.PostEventBody{Res: new(types.PostEventResponse)}
}

// propertyCollectorListening reports whether a PropertyCollector is registered for updates,
// which it is while a client waits in WaitForUpdates(Ex).
func propertyCollectorListening() bool {
	Map.m.Lock()
	defer Map.m.Unlock()
	for _, handler := range Map.handlers {
		if _, ok := handler.(*PropertyCollector); ok {
			return true
		}
	}
	return false
}

// stamp gives the event what vCenter gives it: the next key, a chain id when the poster gave
// none, the creation time and the user.
func (m *EventManager) stamp(ctx *Context, event types.BaseEvent) {
	e := event.GetEvent()

	m.key++ // wraps from MaxInt32 to MinInt32, as an int32 key does
	e.Key = m.key
	if e.ChainId == 0 {
		e.ChainId = e.Key
	}

	// vCenter reports microseconds; creation times never go backwards, even if the clock does.
	created := time.Now().UTC().Truncate(time.Microsecond)
	if created.Before(m.lastCreated) {
		created = m.lastCreated
	}
	m.lastCreated = created
	e.CreatedTime = created

	if e.UserName == "" && ctx != nil && ctx.Session != nil {
		e.UserName = ctx.Session.UserName
	}
}

// formatMessage fills FullFormattedMessage from the type's EventInfo format, when it has one
// that parses; otherwise the poster's message stays.
func (m *EventManager) formatMessage(event types.BaseEvent) {
	name := reflect.ValueOf(event).Elem().Type().Name()

	t, known := m.templates[name]
	if !known {
		t = m.parseFormat(name)
		m.templates[name] = t
	}
	if t == nil {
		return
	}

	var buf bytes.Buffer
	if err := t.Execute(&buf, event); err != nil {
		log.Printf("event %s: format: %s", name, err)
		return
	}
	event.GetEvent().FullFormattedMessage = buf.String()
}

// parseFormat returns nil for a type without a format, and for one whose format does not
// parse (0.24.2's VmMigratedEvent format does not), instead of panicking.
func (m *EventManager) parseFormat(name string) *template.Template {
	for _, info := range m.Description.EventInfo {
		if info.Key != name {
			continue
		}
		t, err := template.New(name).Parse(info.FullFormat)
		if err != nil {
			log.Printf("event %s: format does not parse, message kept: %s", name, err)
			return nil
		}
		return t
	}
	return nil
}

// remember appends the event to the history, dropping the oldest once it is full.
func (m *EventManager) remember(event types.BaseEvent) eventRecord {
	record := eventRecord{seq: m.nextSeq, event: event}
	m.nextSeq++

	if len(m.history) < historyCapacity() {
		m.history = append(m.history, record)
		return record
	}
	m.history[m.historyHead] = record
	m.historyHead = (m.historyHead + 1) % len(m.history)
	return record
}

// oldestSeq is the seq of the oldest event still in the history (nextSeq when it is empty).
func (m *EventManager) oldestSeq() uint64 {
	if len(m.history) == 0 {
		return m.nextSeq
	}
	return m.history[m.historyHead].seq
}

// eachEvent calls f for every event in the history, oldest first.
func (m *EventManager) eachEvent(f func(eventRecord)) {
	n := len(m.history)
	for i := 0; i < n; i++ {
		f(m.history[(m.historyHead+i)%n])
	}
}

type latestPageUpdate struct {
	collector *EventHistoryCollector
	page      []types.BaseEvent
}

// offerToCollectors appends the record to every collector whose filter accepts it (returning
// the new latestPage of each when withPages), and forgets collectors whose session is gone
// (logged out, timed out or expired): vCenter destroys a collector with its session, and
// keeping them would fill MaxCollector after reconnects.
func (m *EventManager) offerToCollectors(record eventRecord, withPages bool) []latestPageUpdate {
	var updates []latestPageUpdate

	m.forgetEndedCollectors()
	for _, c := range m.collectors {
		if !c.accepts(record.event) {
			continue
		}
		c.dropEvicted()
		c.matches = append(c.matches, record)
		if withPages && c.pageSize > 0 {
			updates = append(updates, latestPageUpdate{collector: c, page: c.latestPage()})
		}
	}

	return updates
}

// forgetEndedCollectors drops the collectors whose session has ended; the caller holds mu.
func (m *EventManager) forgetEndedCollectors() {
	for ref, c := range m.collectors {
		if !c.sessionAlive() {
			delete(m.collectors, ref)
		}
	}
}

func (m *EventManager) CreateCollectorForEvents(
	ctx *Context, req *types.CreateCollectorForEvents,
) soap.HasFault {
	body := new(methods.CreateCollectorForEventsBody)

	size, fault := checkPageSize(req.Filter.MaxCount, "maxCount", defaultCollectorPageSize)
	if fault != nil {
		body.Fault_ = fault
		return body
	}

	m.mu.Lock()
	m.forgetEndedCollectors()
	if len(m.collectors) >= int(m.MaxCollector) {
		m.mu.Unlock()
		body.Fault_ = Fault("Too many event collectors to create", new(types.InvalidState))
		return body
	}
	c := m.newCollector(ctx, req.Filter, size)
	m.mu.Unlock()

	ref := ctx.Session.Put(c).Reference()

	m.mu.Lock()
	m.collectors[ref] = c
	m.mu.Unlock()

	body.Res = &types.CreateCollectorForEventsResponse{Returnval: ref}
	return body
}

// newCollector builds a collector over the current history; the caller holds mu.
func (m *EventManager) newCollector(
	ctx *Context, spec types.EventFilterSpec, pageSize int,
) *EventHistoryCollector {
	c := &EventHistoryCollector{m: m, spec: spec, pageSize: pageSize}
	c.Filter = spec
	if ctx != nil && ctx.Session != nil {
		c.sessionKey = ctx.Session.Key
	}

	m.eachEvent(func(record eventRecord) {
		if c.accepts(record.event) {
			c.matches = append(c.matches, record)
		}
	})

	return c
}

// QueryEvents returns the newest events that match the filter, at most filter.maxCount
// (1000 when unset), in creation order.
func (m *EventManager) QueryEvents(ctx *Context, req *types.QueryEvents) soap.HasFault {
	body := new(methods.QueryEventsBody)
	if Map.IsESX() {
		body.Fault_ = Fault("", new(types.NotImplemented))
		return body
	}

	limit, fault := checkPageSize(req.Filter.MaxCount, "maxCount", maxCollectorPageSize)
	if fault != nil {
		body.Fault_ = fault
		return body
	}

	m.mu.Lock()
	c := m.newCollector(ctx, req.Filter, limit)
	from := maxInt(0, len(c.matches)-limit)
	events := c.present(c.matches[from:])
	m.mu.Unlock()

	body.Res = &types.QueryEventsResponse{Returnval: events}
	return body
}

// checkPageSize validates a page size from a request: zero means the default, negative or
// above the vCenter limit is an InvalidArgument naming the property.
func checkPageSize(count int32, property string, whenZero int) (int, *soap.Fault) {
	if count == 0 {
		return whenZero, nil
	}
	if count < 0 || count > maxCollectorPageSize {
		msg := fmt.Sprintf("%s must be 1 to %d, got %d", property, maxCollectorPageSize, count)
		return 0, Fault(msg, &types.InvalidArgument{InvalidProperty: property})
	}
	return int(count), nil
}

type EventHistoryCollector struct {
	mo.EventHistoryCollector

	m          *EventManager
	sessionKey string
	spec       types.EventFilterSpec
	pageSize   int

	// matches are the history's events this collector's filter accepts, in creation order,
	// and cursor is the seq from which ReadNextEvents reads; both are guarded by m.mu.
	matches []eventRecord
	cursor  uint64
}

// sessionAlive is false once the session that created the collector has ended.
func (c *EventHistoryCollector) sessionAlive() bool {
	if c.sessionKey == "" {
		return true
	}
	_, ok := Map.SessionManager().getSession(c.sessionKey)
	return ok
}

// dropEvicted forgets matches the history no longer holds, as vCenter forgets purged events.
func (c *EventHistoryCollector) dropEvicted() {
	oldest := c.m.oldestSeq()
	drop := 0
	for drop < len(c.matches) && c.matches[drop].seq < oldest {
		drop++
	}
	if drop > 0 {
		c.matches = c.matches[drop:]
	}
}

// indexOf is the index of the first match whose seq is at least seq.
func (c *EventHistoryCollector) indexOf(seq uint64) int {
	return sort.Search(len(c.matches), func(i int) bool { return c.matches[i].seq >= seq })
}

// latestPage is the newest page, newest first, as govmomi's clients expect.
func (c *EventHistoryCollector) latestPage() []types.BaseEvent {
	from := maxInt(0, len(c.matches)-c.pageSize)
	page := c.present(c.matches[from:])
	for i, j := 0, len(page)-1; i < j; i, j = i+1, j-1 {
		page[i], page[j] = page[j], page[i]
	}
	return page
}

// present turns records into the events a client gets, without their messages when the
// filter asks for that.
func (c *EventHistoryCollector) present(records []eventRecord) []types.BaseEvent {
	if len(records) == 0 {
		return nil
	}
	withoutMessage := c.spec.DisableFullMessage != nil && *c.spec.DisableFullMessage

	events := make([]types.BaseEvent, len(records))
	for i, record := range records {
		events[i] = record.event
		if withoutMessage {
			events[i] = withoutFullMessage(record.event)
		}
	}
	return events
}

// withoutFullMessage is a shallow copy of the event with FullFormattedMessage cleared; the
// history keeps the message for other collectors.
func withoutFullMessage(event types.BaseEvent) types.BaseEvent {
	original := reflect.ValueOf(event).Elem()
	dup := reflect.New(original.Type())
	dup.Elem().Set(original)
	copied := dup.Interface().(types.BaseEvent)
	copied.GetEvent().FullFormattedMessage = ""
	return copied
}

func (c *EventHistoryCollector) SetCollectorPageSize(
	ctx *Context, req *types.SetCollectorPageSize,
) soap.HasFault {
	body := new(methods.SetCollectorPageSizeBody)

	// Zero is a valid page size here: an empty latestPage.
	size, fault := checkPageSize(req.MaxCount, "maxCount", 0)
	if fault != nil {
		body.Fault_ = fault
		return body
	}

	c.m.mu.Lock()
	c.pageSize = size
	c.dropEvicted()
	page := c.latestPage()
	c.m.mu.Unlock()

	Map.Update(c, []types.PropertyChange{{Name: "latestPage", Val: page}})
	body.Res = new(types.SetCollectorPageSizeResponse)
	return body
}

// ResetCollector moves the view to just before the latest page: ReadNextEvents returns the
// latest page next, ReadPreviousEvents the page before it.
func (c *EventHistoryCollector) ResetCollector(
	ctx *Context, req *types.ResetCollector,
) soap.HasFault {
	c.m.mu.Lock()
	c.dropEvicted()
	if c.pageSize == 0 || len(c.matches) == 0 {
		c.cursor = c.m.nextSeq
	} else {
		c.cursor = c.matches[maxInt(0, len(c.matches)-c.pageSize)].seq
	}
	c.m.mu.Unlock()

	return &methods.ResetCollectorBody{Res: new(types.ResetCollectorResponse)}
}

// RewindCollector moves the view to the oldest event, where a new collector starts.
func (c *EventHistoryCollector) RewindCollector(
	ctx *Context, req *types.RewindCollector,
) soap.HasFault {
	c.m.mu.Lock()
	c.cursor = 0
	c.m.mu.Unlock()

	return &methods.RewindCollectorBody{Res: new(types.RewindCollectorResponse)}
}

// ReadNextEvents returns up to maxCount events after the view, oldest first, and moves the
// view past them. At the end it returns nothing and stays, so events created later come
// back on a later call.
func (c *EventHistoryCollector) ReadNextEvents(
	ctx *Context, req *types.ReadNextEvents,
) soap.HasFault {
	body := new(methods.ReadNextEventsBody)
	count, fault := checkReadCount(req.MaxCount)
	if fault != nil {
		body.Fault_ = fault
		return body
	}

	c.m.mu.Lock()
	c.dropEvicted()
	from := c.indexOf(c.cursor)
	to := minInt(len(c.matches), from+count)
	if to > from {
		c.cursor = c.matches[to-1].seq + 1
	}
	events := c.present(c.matches[from:to])
	c.m.mu.Unlock()

	body.Res = &types.ReadNextEventsResponse{Returnval: events}
	return body
}

// ReadPreviousEvents returns up to maxCount events before the view and moves the view back to
// the oldest of them. The page is in creation order, like every page a collector returns.
func (c *EventHistoryCollector) ReadPreviousEvents(
	ctx *Context, req *types.ReadPreviousEvents,
) soap.HasFault {
	body := new(methods.ReadPreviousEventsBody)
	count, fault := checkReadCount(req.MaxCount)
	if fault != nil {
		body.Fault_ = fault
		return body
	}

	c.m.mu.Lock()
	c.dropEvicted()
	to := c.indexOf(c.cursor)
	from := maxInt(0, to-count)
	if to > from {
		c.cursor = c.matches[from].seq
	}
	events := c.present(c.matches[from:to])
	c.m.mu.Unlock()

	body.Res = &types.ReadPreviousEventsResponse{Returnval: events}
	return body
}

func checkReadCount(count int32) (int, *soap.Fault) {
	if count < 1 || count > maxEventsPerRead {
		msg := fmt.Sprintf("maxCount must be between 1 and %d, got %d", maxEventsPerRead, count)
		return 0, Fault(msg, &types.InvalidArgument{InvalidProperty: "maxCount"})
	}
	return int(count), nil
}

func (c *EventHistoryCollector) DestroyCollector(
	ctx *Context, req *types.DestroyCollector,
) soap.HasFault {
	ctx.Session.Remove(req.This)

	c.m.mu.Lock()
	delete(c.m.collectors, req.This)
	c.m.mu.Unlock()

	return &methods.DestroyCollectorBody{Res: new(types.DestroyCollectorResponse)}
}

// GetLatestPage returns the collector's latest page, newest first.
func (c *EventHistoryCollector) GetLatestPage() []types.BaseEvent {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	c.dropEvicted()
	return c.latestPage()
}

// Get is what the PropertyCollector reads: the mo view with latestPage filled in.
func (c *EventHistoryCollector) Get() mo.Reference {
	view := c.EventHistoryCollector
	view.LatestPage = c.GetLatestPage()
	return &view
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
