// This file is added to govmomi 0.24.2's simulator package by the test vCenter's overlay:
// the simulator keeps its sessions in an unexported map, and tests need to end them all at
// once, the way a vCenter restart or a session timeout does, without restarting the process.

package simulator

import "github.com/vmware/govmomi/vim25/types"

// ExpireAllSessions ends every session: the next call made with any session cookie gets
// NotAuthenticated, and the collectors those sessions created are gone. It returns how many
// sessions ended.
func ExpireAllSessions() int {
	sm := Map.SessionManager()

	sessionMutex.Lock()
	ended := sm.sessions
	sm.sessions = make(map[string]Session)
	sessionMutex.Unlock()

	// As Logout does: property filters of an ended session stop receiving updates.
	pc := Map.content().PropertyCollector
	for _, session := range ended {
		if session.Registry == nil {
			continue
		}
		for _, ref := range registeredHandlers(session.Registry) {
			if ref != pc {
				Map.Remove(ref)
			}
		}
	}

	return len(ended)
}

// registeredHandlers lists the objects of a session registry that receive property updates.
func registeredHandlers(r *Registry) []types.ManagedObjectReference {
	r.m.Lock()
	defer r.m.Unlock()

	var refs []types.ManagedObjectReference
	for ref, obj := range r.objects {
		if _, ok := obj.(RegisterObject); ok {
			refs = append(refs, ref)
		}
	}
	return refs
}
