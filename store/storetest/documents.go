package storetest

import (
	"maps"
	"slices"

	"github.com/iso27035/iso27035/store"
)

func documentCases() []testCase {
	return []testCase{
		{"Documents/CreateGet", "a created document is stored with Version 1 (set in the Write too) and GetDocument returns its Index, Body and UpdatedAt; an unknown one is ErrNotFound", documentsCreateGet},
		{"Documents/CreateDuplicate_ErrExists", "creating a document (Version 0) whose collection and ID exist fails with ErrExists and changes nothing", documentsDuplicate},
		{"Documents/Update_Version", "a document update needs the Version read: it is stored with Version+1; a stale Version is ErrConflict, an unknown document ErrNotFound", documentsUpdate},
		{"Documents/List", "ListDocuments yields the collection's documents whose Index holds every key/value of match, in ascending ID order; an empty match yields them all", documentsList},
		{"Documents/NoLockWhileYielding", "ListDocuments holds no lock while it yields: the loop body may call GetDocument and Commit, even updating the document yielded", documentsNoLock},
		{"Documents/ReturnsCopy", "GetDocument and ListDocuments return copies: changing their Index or Body does not change the store", documentsCopy},
	}
}

// docDiff describes how got differs from want, ignoring Version.
func docDiff(got, want store.Document) string {
	switch {
	case got.Collection != want.Collection || got.ID != want.ID:
		return "got " + got.Collection + "/" + got.ID + ", want " + want.Collection + "/" + want.ID
	case !maps.Equal(got.Index, want.Index):
		return "Index differs"
	case !sameJSON(got.Body, want.Body):
		return "Body " + string(got.Body) + ", want " + string(want.Body)
	case !got.UpdatedAt.Equal(want.UpdatedAt):
		return "UpdatedAt " + got.UpdatedAt.String() + ", want " + want.UpdatedAt.String()
	}
	return ""
}

func documentsCreateGet(e *env) {
	d := e.fx.document(docCollection, map[string]string{"status": "open", "record": "r-1"})
	other := e.fx.document("storetest.plan", nil)
	w := &store.Write{Documents: []store.Document{d, other}}
	e.commit(tenantA, w)
	if w.Documents[0].Version != 1 || w.Documents[1].Version != 1 {
		e.errorf("after Commit, the documents in the Write have Versions %d and %d, want 1", w.Documents[0].Version, w.Documents[1].Version)
	}
	for _, want := range []store.Document{d, other} {
		got := e.document(want.Collection, want.ID)
		if got.Version != 1 {
			e.errorf("GetDocument %s/%s: Version %d, want 1", want.Collection, want.ID, got.Version)
		}
		if diff := docDiff(got, want); diff != "" {
			e.errorf("GetDocument %s/%s: %s", want.Collection, want.ID, diff)
		}
	}
	_, err := e.s.GetDocument(e.ctx, tenantA, docCollection, "no-such-document")
	e.is("GetDocument of an unknown ID", err, store.ErrNotFound)
	_, err = e.s.GetDocument(e.ctx, tenantA, "storetest.plan", d.ID)
	e.is("GetDocument of an ID of another collection", err, store.ErrNotFound)
}

func documentsDuplicate(e *env) {
	d := e.fx.document(docCollection, map[string]string{"status": "open"})
	e.commit(tenantA, &store.Write{Documents: []store.Document{d}})
	dup := d
	dup.Body = []byte(`{"title":"the duplicate"}`)
	w := &store.Write{Documents: []store.Document{dup}}
	e.is("Commit creating an existing document", e.s.Commit(e.ctx, tenantA, w), store.ErrExists)
	if w.Documents[0].Version != 0 {
		e.errorf("the failed Commit set Version %d on the document in the Write, want 0", w.Documents[0].Version)
	}
	if got := e.document(d.Collection, d.ID); got.Version != 1 || !sameJSON(got.Body, d.Body) {
		e.errorf("the existing document changed: Version %d Body %s", got.Version, got.Body)
	}
}

func documentsUpdate(e *env) {
	d := e.fx.document(docCollection, map[string]string{"status": "open"})
	e.commit(tenantA, &store.Write{Documents: []store.Document{d}})

	a := e.document(d.Collection, d.ID)
	b := a
	a.Index = map[string]string{"status": "closed"}
	a.Body = []byte(`{"title":"closed"}`)
	w := &store.Write{Documents: []store.Document{a}}
	e.commit(tenantA, w)
	if w.Documents[0].Version != 2 {
		e.errorf("after the update, the document in the Write has Version %d, want 2", w.Documents[0].Version)
	}
	if got := e.document(d.Collection, d.ID); got.Version != 2 || docDiff(got, a) != "" {
		e.errorf("updated document: Version %d, %s", got.Version, docDiff(got, a))
	}

	b.Body = []byte(`{"title":"stale"}`)
	b.Index = map[string]string{"status": "stale"}
	wb := &store.Write{Documents: []store.Document{b}}
	e.is("Commit of a document read at Version 1 after Version 2 was stored", e.s.Commit(e.ctx, tenantA, wb), store.ErrConflict)
	if wb.Documents[0].Version != 1 {
		e.errorf("the stale document's Version in the Write became %d, want 1", wb.Documents[0].Version)
	}
	if got := e.documents(tenantA, docCollection, map[string]string{"status": "stale"}); len(got) != 0 {
		e.errorf("the stale update's Index was stored")
	}

	missing := e.fx.document(docCollection, nil)
	missing.Version = 1
	e.is("Commit updating a document that does not exist", e.s.Commit(e.ctx, tenantA, &store.Write{Documents: []store.Document{missing}}), store.ErrNotFound)
}

func documentsList(e *env) {
	mk := func(idx map[string]string) store.Document { return e.fx.document(docCollection, idx) }
	d1 := mk(map[string]string{"status": "open", "owner": "alice"})
	d2 := mk(map[string]string{"status": "closed", "owner": "alice"})
	d3 := mk(map[string]string{"status": "open", "owner": "bob"})
	d4 := mk(nil)
	elsewhere := e.fx.document("storetest.plan", map[string]string{"status": "open", "owner": "alice"})
	// Created in reverse ID order.
	e.commit(tenantA, &store.Write{Documents: []store.Document{d4, d3}})
	e.commit(tenantA, &store.Write{Documents: []store.Document{d2, d1, elsewhere}})

	for _, tc := range []struct {
		match map[string]string
		want  []store.Document
	}{
		{nil, []store.Document{d1, d2, d3, d4}},
		{map[string]string{}, []store.Document{d1, d2, d3, d4}},
		{map[string]string{"status": "open"}, []store.Document{d1, d3}},
		{map[string]string{"status": "open", "owner": "alice"}, []store.Document{d1}},
		{map[string]string{"owner": "carol"}, nil},
		{map[string]string{"status": ""}, nil},
	} {
		got := e.documents(tenantA, docCollection, tc.match)
		if !slices.Equal(docIDs(got), docIDs(tc.want)) {
			e.errorf("ListDocuments(match %v): got %v, want %v", tc.match, docIDs(got), docIDs(tc.want))
			continue
		}
		for i := range got {
			if diff := docDiff(got[i], tc.want[i]); diff != "" || got[i].Version != 1 {
				e.errorf("ListDocuments(match %v): %s: %s (Version %d)", tc.match, got[i].ID, diff, got[i].Version)
			}
		}
	}
	if got := e.documents(tenantA, "storetest.empty", nil); len(got) != 0 {
		e.errorf("ListDocuments of an empty collection: %v", docIDs(got))
	}
}

func documentsCopy(e *env) {
	d := e.fx.document(docCollection, map[string]string{"status": "open"})
	want := d
	want.Index = maps.Clone(d.Index)
	want.Body = slices.Clone(d.Body)
	e.commit(tenantA, &store.Write{Documents: []store.Document{d}})

	// The writer changes its document after Commit, a reader the one it
	// got, a lister the ones it was yielded: the store changes for none.
	d.Index["status"] = "changed by the writer"
	d.Body[0] = ' '
	got := e.document(d.Collection, d.ID)
	got.Index["status"] = "changed by the reader"
	if len(got.Body) > 0 {
		got.Body[len(got.Body)-1] = ' '
	}
	for l, err := range e.s.ListDocuments(e.ctx, tenantA, docCollection, nil) {
		if err != nil {
			e.fatalf("ListDocuments: %v", err)
		}
		l.Index["owner"] = "changed by the lister"
		if len(l.Body) > 1 {
			l.Body[1] = ' '
		}
	}
	if again := e.document(d.Collection, d.ID); docDiff(again, want) != "" {
		e.errorf("changing documents after Commit, GetDocument or ListDocuments changed the store: %s (Index %v)", docDiff(again, want), again.Index)
	}
}

func documentsNoLock(e *env) {
	var docs []store.Document
	for range 3 {
		docs = append(docs, e.fx.document(docCollection, map[string]string{"status": "open"}))
	}
	e.commit(tenantA, &store.Write{Documents: docs})
	n := 0
	for d, err := range e.s.ListDocuments(e.ctx, tenantA, docCollection, map[string]string{"status": "open"}) {
		if err != nil {
			e.fatalf("ListDocuments: %v", err)
		}
		n++
		var getErr, commitErr error
		if !e.within("GetDocument called from inside a ListDocuments loop", lockHint, func() {
			_, getErr = e.s.GetDocument(e.ctx, tenantA, d.Collection, d.ID)
		}) {
			return
		}
		d.Index = map[string]string{"status": "closed"}
		if !e.within("Commit called from inside a ListDocuments loop", lockHint, func() {
			commitErr = e.s.Commit(e.ctx, tenantA, &store.Write{Documents: []store.Document{d}})
		}) {
			return
		}
		for what, err := range map[string]error{"GetDocument": getErr, "Commit": commitErr} {
			if err != nil {
				e.errorf("%s inside a ListDocuments loop failed: %v", what, err)
			}
		}
	}
	if n != len(docs) {
		e.errorf("the ListDocuments loop saw %d documents, want the %d stored before it (each exactly once)", n, len(docs))
	}
	if got := e.documents(tenantA, docCollection, map[string]string{"status": "closed"}); !slices.Equal(docIDs(got), docIDs(docs)) {
		e.errorf("after the loop, the closed documents are %v, want %v", docIDs(got), docIDs(docs))
	}
}
