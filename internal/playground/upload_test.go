package playground

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/descent-ml/descent/data"
)

// issueBomb is the upload of issue 17: 60,000 rows whose text column has
// 60,000 distinct values, 649 KB that one-hot encoding made 60,000
// columns (28 GB), killing the server.
func issueBomb() []byte {
	var b bytes.Buffer
	b.WriteString("x,cat,y\n")
	for i := range 60000 {
		fmt.Fprintf(&b, "0,k%d,%s\n", i, map[bool]string{true: "a", false: "b"}[i%2 == 1])
	}
	return b.Bytes()
}

// postUpload posts body to a new session of s in process, as the page does.
func postUpload(t testing.TB, s *Server, body []byte) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "http://127.0.0.1/api/sessions", nil)
	req.Header.Set(TokenHeader, s.Token())
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	id := s.anySessionID()
	rec = httptest.NewRecorder()
	req = httptest.NewRequest("POST", "http://127.0.0.1/api/sessions/"+id+"/data?name=bomb.csv", bytes.NewReader(body))
	req.Header.Set(TokenHeader, s.Token())
	s.ServeHTTP(rec, req)
	return rec
}

// TestUploadBomb sends uploads whose parsed data would be far larger than
// the file, and checks that each is refused with 413 and a message while
// the request allocates little: the memory it may use is bounded by the
// playground's limits, not by what the file asks for.
func TestUploadBomb(t *testing.T) {
	var cats, numbers bytes.Buffer
	cats.WriteString("x,cat,y\n")
	for i := range MaxUploadRows {
		// 999 categories: under the data package's default limit, 160 MB
		// of one-hot columns for 20,000 rows.
		fmt.Fprintf(&cats, "%d,k%d,%d\n", i%7, i%999, i%2)
	}
	numbers.WriteString("a,b,c\n")
	for numbers.Len() < DefaultMaxUpload-16 {
		numbers.WriteString("1,2,3\n4,5,6\n") // 349,000 rows, 17 times the row limit
	}
	// The file is read whole (at most MaxUpload, 2 MiB, with the buffer's
	// growth) and parsed up to the limits: the 349,000-row file allocates
	// 14 MiB (28 MiB under -race, whose sync.Pool drops items), the others
	// 1 to 2 MiB. Without the limits the 999-category file alone allocated
	// 156 MiB, and issue 17's bomb would have needed 28 GB.
	const maxAlloc = 48 << 20
	for _, tc := range []struct {
		name string
		body []byte
		want string
	}{
		{"issue 17's bomb", issueBomb(), `column \"cat\"`},
		{"999 categories", cats.Bytes(), "feature columns"},
		{"349,000 rows", numbers.Bytes(), "values"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Options{})
			defer s.Close()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			rec := postUpload(t, s, tc.body)
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("%d bytes: %d %s; %.1f MiB allocated", len(tc.body), rec.Code, rec.Body, float64(alloc)/(1<<20))
			if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), tc.want) || !strings.Contains(rec.Body.String(), "the playground takes at most") {
				t.Errorf("upload: %d %s, want 413 containing %q", rec.Code, rec.Body, tc.want)
			}
			if alloc > maxAlloc {
				t.Errorf("the refused upload allocated %.1f MiB, want at most %d MiB", float64(alloc)/(1<<20), maxAlloc>>20)
			}
		})
	}
}

// FuzzUpload sends any bytes as an upload: the server must answer 2xx or
// 4xx (a 500 would be a panic caught by ServeHTTP) and stay usable.
func FuzzUpload(f *testing.F) {
	for _, seed := range []string{
		"height,width,kind\n1,2,tall\n3,4,wide\n5,6,tall\n",
		"x,y\n1,2\n2,4\n3,6\n",
		"a;b;c\n1;x;0\n2;y;1\n3;x;0\n",
		"a,b,c\n1,2,x\n3,zz,y\n",
		"x,cat,y\n0,k1,a\n0,k2,b\n0,k3,a\n",
		"\"q,1\",b\n\"1\",2\n3,\"4\"\n",
		"a\tb\n1\t2\n3\t4\n",
		"",
		"x,y\n1,\n,2\n",
		"x,y\n1e308,1\n-1e308,0\nNaN,1\n",
	} {
		f.Add([]byte(seed))
	}
	s := New(Options{})
	f.Cleanup(s.Close)
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := postUpload(t, s, body)
		if rec.Code >= 500 || rec.Code < 200 || (rec.Code >= 300 && rec.Code < 400) {
			t.Errorf("upload of %q: %d %s, want 2xx or 4xx", body, rec.Code, rec.Body)
		}
		// Each create makes a session: end it, so that the 32-session
		// limit never answers 503.
		rec = httptest.NewRecorder()
		req := httptest.NewRequest("DELETE", "http://127.0.0.1/api/sessions/"+s.anySessionID(), nil)
		req.Header.Set(TokenHeader, s.Token())
		s.ServeHTTP(rec, req)
	})
}

// TestUploadAdvice checks that a bad upload's error names the line and
// column and gives advice a user of the playground can follow, in every
// transport (the reply comes from Core): the data package's advice names
// options of `descent train` that the playground does not have.
func TestUploadAdvice(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		want       []string
		sentinel   error
	}{
		{"missing value", "a,b,c\n1,,x\n3,4,y\n",
			[]string{`gap.csv line 2, column "b"`, "missing value", "the playground does not fill in missing values, so fill in or remove that row in the file"},
			data.ErrMissingValue},
		{"text in a column of numbers", "a,b,c\n1,2,x\n3,zz,y\n",
			[]string{`gap.csv line 3, column "b"`, `"zz" is not a number`, "make every value of the column a number, or give it text on every line"},
			data.ErrNotNumber},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseUpload("gap.csv", []byte(tc.file))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("error %v does not wrap %v", err, tc.sentinel)
			}
			c := NewCore(Options{})
			defer c.Close()
			rep := c.Do(Call{Method: "POST", Path: "/api/sessions"})
			var st struct{ ID string }
			if err := json.Unmarshal(rep.Body, &st); err != nil || rep.Status != 201 {
				t.Fatalf("create: %d %s", rep.Status, rep.Body)
			}
			rep = c.Do(Call{Method: "POST", Path: "/api/sessions/" + st.ID + "/data", Query: url.Values{"name": {"gap.csv"}}, Body: []byte(tc.file)})
			var got struct{ Error string }
			if err := json.Unmarshal(rep.Body, &got); err != nil || rep.Status != 400 {
				t.Fatalf("upload: %d %s, want 400", rep.Status, rep.Body)
			}
			for _, w := range tc.want {
				if !strings.Contains(got.Error, w) {
					t.Errorf("error %q does not say %q", got.Error, w)
				}
			}
			for _, bad := range []string{"missing-value policy", "declare it categorical"} {
				if strings.Contains(got.Error, bad) {
					t.Errorf("error %q gives advice for descent train: %q", got.Error, bad)
				}
			}
		})
	}
}
