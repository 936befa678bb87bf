package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/descent-ml/descent/internal/playground"
)

func init() {
	register("playground", command{
		summary: "open a local web page that trains a network you design, live, with the chain rule of any weight",
		example: "descent playground -addr 127.0.0.1:8080",
		run:     runPlayground,
	})
}

// runPlayground serves the playground until interrupted.
func runPlayground(e *env, args []string) error {
	fs := newFlagSet(e, "playground")
	addr := fs.String("addr", "127.0.0.1:8080", "`host:port` to listen on; only the loopback address unless you give another (port 0 picks a free one)")
	site := fs.String("export-site", "", "write the playground as a static site into `dir` and exit: it trains in the browser (WebAssembly), served by any static file server; building it needs the Go toolchain")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *site != "" {
		return exportSite(e, *site)
	}
	if err := checkAddr(e, *addr); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("playground: %w", err)
	}
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt)
	defer stop()
	return servePlayground(ctx, e, ln, allowedHosts(*addr, ln.Addr()))
}

// exportSite builds the WebAssembly engine and writes the static site.
func exportSite(e *env, dir string) error {
	fmt.Fprintf(e.stderr, "descent playground: building the WebAssembly engine…\n")
	site, err := playground.BuildWasm(e.ctx)
	if err != nil {
		return err
	}
	if err := playground.WriteSite(dir, site); err != nil {
		return err
	}
	raw, gz, err := playground.SiteSize(dir)
	if err != nil {
		return fmt.Errorf("export site: %w", err)
	}
	fmt.Fprintf(e.stdout, "descent playground: wrote a static site to %s (%.1f MB, %.1f MB gzipped); serve it with any static file server, e.g. python3 -m http.server -d %s\n", dir, float64(raw)/1e6, float64(gz)/1e6, dir)
	return nil
}

// allowedHosts returns the host names a browser may use to reach a server
// listening on addr (as given) and bound to bound: the -addr host, the
// bound address, and, for an unspecified address such as 0.0.0.0, every
// address of this machine and its host name. The playground refuses any
// other Host (DNS rebinding); loopback names are always accepted.
func allowedHosts(addr string, bound net.Addr) []string {
	var hosts []string
	if h, _, err := net.SplitHostPort(addr); err == nil && h != "" {
		hosts = append(hosts, h)
	}
	tcp, ok := bound.(*net.TCPAddr)
	if !ok {
		return hosts
	}
	if !tcp.IP.IsUnspecified() {
		return append(hosts, tcp.IP.String())
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok {
				hosts = append(hosts, ipn.IP.String())
			}
		}
	}
	if name, err := os.Hostname(); err == nil && name != "" {
		hosts = append(hosts, name)
	}
	return hosts
}

// checkAddr rejects a malformed address and warns on stderr when the
// address is reachable from other machines: the playground has no
// authentication.
func checkAddr(e *env, addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("playground: -addr %q: %v (want host:port, e.g. 127.0.0.1:8080)", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	fmt.Fprintf(e.stderr, "descent playground: warning: listening on %s, which other machines may reach; the playground has no login, so anyone who can connect can use it\n", addr)
	return nil
}

// servePlayground serves on ln until ctx ends, then shuts down cleanly.
// Requests may name the hosts given (and loopback names) only.
func servePlayground(ctx context.Context, e *env, ln net.Listener, hosts []string) error {
	pg := playground.New(playground.Options{AllowedHosts: hosts})
	defer pg.Close()
	srv := pg.HTTPServer() // with timeouts for slow clients
	ln = pg.Listener(ln)   // with a bound on open connections
	fmt.Fprintf(e.stdout, "descent playground: open http://%s/ in your browser (Ctrl-C stops it)\n", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("playground: %w", err)
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shut)
	}
}

// newLoopbackListener listens on a free port of 127.0.0.1.
func newLoopbackListener() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
