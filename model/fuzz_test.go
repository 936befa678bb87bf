package model

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// addCorpus seeds f with every file under testdata.
func addCorpus(f *testing.F) {
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(filepath.Dir(path)) == "FuzzDecode" || filepath.Base(filepath.Dir(path)) == "FuzzDecodeCheckpoint" {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil {
			f.Add(b)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
}

// FuzzDecode checks that no input makes Decode panic, and that whatever
// decodes re-encodes, in either format, to a file that decodes to the
// same model.
func FuzzDecode(f *testing.F) {
	addCorpus(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(bytes.NewReader(b), "fuzz")
		if err != nil {
			return
		}
		for _, format := range []Format{JSON, Binary} {
			var enc bytes.Buffer
			if err := Encode(&enc, m, format); err != nil {
				t.Fatalf("decoded model does not encode as %v: %v", format, err)
			}
			got, err := Decode(&enc, "re-encoded")
			if err != nil {
				t.Fatalf("re-encoded %v does not decode: %v\n%s", format, err, enc.Bytes())
			}
			// A save writes the lowest version that holds the model,
			// whatever version the file it came from declared.
			want := *m
			want.Version = m.formatVersion()
			if !reflect.DeepEqual(got, &want) {
				t.Fatalf("%v round trip changed the model:\ngot  %#v\nwant %#v", format, got, &want)
			}
		}
	})
}

// TestDecodeStable holds inputs that once decoded to a model that changed
// on a save and load.
func TestDecodeStable(t *testing.T) {
	good, err := os.ReadFile("testdata/model.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ old, new string }{
		// data.Schema reads "categories": [] as empty, writes it as absent.
		{`"kind": "categorical"`, `"kind": "categorical", "categories": []`},
		{`"fill": "0.5"`, `"fill": ""`},
		{`"training": {`, `"training": {` + "\n  \"spaced\" :  [ 1 , 2 ],"},
	} {
		b := bytes.Replace(good, []byte(tt.old), []byte(tt.new), 1)
		m, err := Decode(bytes.NewReader(b), "stable")
		if err != nil {
			t.Fatalf("%s: %v", tt.new, err)
		}
		var enc bytes.Buffer
		if err := Encode(&enc, m, JSON); err != nil {
			t.Fatal(err)
		}
		got, err := Decode(&enc, "re-encoded")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("%s: round trip changed the model:\ngot  %+v\nwant %+v", tt.new, got, m)
		}
	}
}

// FuzzDecodeCheckpoint is FuzzDecode for checkpoints.
func FuzzDecodeCheckpoint(f *testing.F) {
	addCorpus(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeCheckpoint(bytes.NewReader(b), "fuzz")
		if err != nil {
			return
		}
		for _, format := range []Format{JSON, Binary} {
			var enc bytes.Buffer
			if err := EncodeCheckpoint(&enc, c, format); err != nil {
				t.Fatalf("decoded checkpoint does not encode as %v: %v", format, err)
			}
			got, err := DecodeCheckpoint(&enc, "re-encoded")
			if err != nil {
				t.Fatalf("re-encoded %v does not decode: %v\n%s", format, err, enc.Bytes())
			}
			want, wm := *c, *c.Model
			wm.Version = c.Model.formatVersion()
			want.Model = &wm
			if !reflect.DeepEqual(got, &want) {
				t.Fatalf("%v round trip changed the checkpoint:\ngot  %#v\nwant %#v", format, got, &want)
			}
		}
	})
}
