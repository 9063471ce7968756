// This file is added to govmomi 0.24.2's simulator package by the test vCenter's overlay (see
// event_manager.go beside it): how an EventHistoryCollector decides whether an event matches
// its EventFilterSpec. Callers hold EventManager.mu.

package simulator

import (
	"reflect"
	"time"

	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// maxAncestorDepth stops the walk up the inventory should a parent chain ever loop.
const maxAncestorDepth = 64

// accepts reports whether the event passes every part of the collector's filter; the cheap
// checks come first, the inventory walk for entity last.
func (c *EventHistoryCollector) accepts(event types.BaseEvent) bool {
	spec := &c.spec
	e := event.GetEvent()

	return timeMatches(e.CreatedTime, spec.Time) &&
		userMatches(e.UserName, spec.UserName) &&
		(spec.EventChainId == 0 || spec.EventChainId == e.ChainId) &&
		(len(spec.Tag) == 0 || contains(spec.Tag, e.ChangeTag)) &&
		alarmMatches(event, spec.Alarm) &&
		scheduledTaskMatches(event, spec.ScheduledTask) &&
		c.typeMatches(event, spec) &&
		c.categoryMatches(event, spec.Category) &&
		c.entityMatches(event, spec.Entity)
}

// timeMatches treats both ends of the range as inclusive.
func timeMatches(created time.Time, byTime *types.EventFilterSpecByTime) bool {
	if byTime == nil {
		return true
	}
	if byTime.BeginTime != nil && created.Before(*byTime.BeginTime) {
		return false
	}
	if byTime.EndTime != nil && created.After(*byTime.EndTime) {
		return false
	}
	return true
}

// userMatches: events without a user are the system's and pass when systemUser is set;
// the others pass when their user is in userList.
func userMatches(user string, byUser *types.EventFilterSpecByUsername) bool {
	if byUser == nil {
		return true
	}
	if user == "" {
		return byUser.SystemUser
	}
	return contains(byUser.UserList, user)
}

func alarmMatches(event types.BaseEvent, alarm *types.ManagedObjectReference) bool {
	if alarm == nil {
		return true
	}
	a, ok := event.(types.BaseAlarmEvent)
	return ok && a.GetAlarmEvent().Alarm.Alarm == *alarm
}

func scheduledTaskMatches(event types.BaseEvent, task *types.ManagedObjectReference) bool {
	if task == nil {
		return true
	}
	s, ok := event.(types.BaseScheduledTaskEvent)
	return ok && s.GetScheduledTaskEvent().ScheduledTask.ScheduledTask == *task
}

// typeMatches checks spec.eventTypeId and the older spec.type against the event's class, the
// classes it extends (VmPoweredOnEvent is also a VmEvent and an Event) and, for EventEx and
// ExtendedEvent, their own eventTypeId.
func (c *EventHistoryCollector) typeMatches(
	event types.BaseEvent, spec *types.EventFilterSpec,
) bool {
	if len(spec.EventTypeId) == 0 && len(spec.Type) == 0 {
		return true
	}

	for _, name := range c.m.eventTypeNames(event) {
		if contains(spec.EventTypeId, name) || contains(spec.Type, name) {
			return true
		}
	}
	return false
}

// eventTypeNames lists the names an event answers to, cached per Go type.
func (m *EventManager) eventTypeNames(event types.BaseEvent) []string {
	kind := reflect.TypeOf(event).Elem()

	names, ok := m.typeNames[kind]
	if !ok {
		names = classNames(kind, nil)
		m.typeNames[kind] = names
	}

	switch e := event.(type) {
	case *types.EventEx:
		return append([]string{e.EventTypeId}, names...)
	case *types.ExtendedEvent:
		return append([]string{e.EventTypeId}, names...)
	}
	return names
}

// classNames walks the embedded structs that stand for vim25's inheritance.
func classNames(kind reflect.Type, names []string) []string {
	names = append(names, kind.Name())
	if kind.NumField() > 0 {
		first := kind.Field(0)
		embedded := first.Anonymous && first.Type.Kind() == reflect.Struct
		if embedded && first.Type.Name() != "DynamicData" {
			return classNames(first.Type, names)
		}
	}
	return names
}

// categoryMatches compares the event's severity category (info, warning, error, user): an
// EventEx carries its own, other classes take theirs from the EventManager description.
func (c *EventHistoryCollector) categoryMatches(event types.BaseEvent, categories []string) bool {
	if len(categories) == 0 {
		return true
	}

	category := c.m.categories[reflect.TypeOf(event).Elem().Name()]
	if ex, ok := event.(*types.EventEx); ok && ex.Severity != "" {
		category = ex.Severity
	}
	if category == "" {
		category = string(types.EventCategoryInfo)
	}
	return contains(categories, category)
}

// entityMatches applies spec.entity. The root folder with recursion self or all stands for
// the whole inventory, so events without any entity argument (logins) match it too.
func (c *EventHistoryCollector) entityMatches(
	event types.BaseEvent, byEntity *types.EventFilterSpecByEntity,
) bool {
	if byEntity == nil {
		return true
	}
	entity := byEntity.Entity
	isRoot := entity == c.m.root

	switch byEntity.Recursion {
	case types.EventFilterSpecRecursionOptionSelf:
		return isRoot || anyEntityArgument(event, func(ref types.ManagedObjectReference) bool {
			return ref == entity
		})
	case types.EventFilterSpecRecursionOptionChildren:
		return anyEntityArgument(event, func(ref types.ManagedObjectReference) bool {
			return ref != entity && hasAncestor(ref, entity)
		})
	case types.EventFilterSpecRecursionOptionAll:
		return isRoot || anyEntityArgument(event, func(ref types.ManagedObjectReference) bool {
			return ref == entity || hasAncestor(ref, entity)
		})
	}
	return false
}

// anyEntityArgument reports whether f holds for one of the event's entity arguments.
func anyEntityArgument(event types.BaseEvent, f func(types.ManagedObjectReference) bool) bool {
	e := event.GetEvent()
	var refs []types.ManagedObjectReference

	if e.Vm != nil {
		refs = append(refs, e.Vm.Vm)
	}
	if e.Host != nil {
		refs = append(refs, e.Host.Host)
	}
	if e.ComputeResource != nil {
		refs = append(refs, e.ComputeResource.ComputeResource)
	}
	if e.Ds != nil {
		refs = append(refs, e.Ds.Datastore)
	}
	if e.Net != nil {
		refs = append(refs, e.Net.Network)
	}
	if e.Dvs != nil {
		refs = append(refs, e.Dvs.Dvs)
	}
	if e.Datacenter != nil {
		refs = append(refs, e.Datacenter.Datacenter)
	}

	for _, ref := range refs {
		if f(ref) {
			return true
		}
	}
	return false
}

// hasAncestor walks up from ref through folders and, for a VM, its resource pool and host, as
// vCenter's inventory does, looking for ancestor.
func hasAncestor(ref, ancestor types.ManagedObjectReference) bool {
	pending := []types.ManagedObjectReference{ref}

	for depth := 0; len(pending) > 0 && depth < maxAncestorDepth; depth++ {
		var next []types.ManagedObjectReference
		for _, current := range pending {
			for _, parent := range parentsOf(current) {
				if parent == ancestor {
					return true
				}
				next = append(next, parent)
			}
		}
		pending = next
	}
	return false
}

func parentsOf(ref types.ManagedObjectReference) []types.ManagedObjectReference {
	var parents []types.ManagedObjectReference

	obj := Map.Get(ref)
	if entity, ok := obj.(mo.Entity); ok && entity.Entity().Parent != nil {
		parents = append(parents, *entity.Entity().Parent)
	}
	if vm, ok := obj.(*VirtualMachine); ok {
		if vm.ResourcePool != nil {
			parents = append(parents, *vm.ResourcePool)
		}
		if vm.Runtime.Host != nil {
			parents = append(parents, *vm.Runtime.Host)
		}
	}
	return parents
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}
