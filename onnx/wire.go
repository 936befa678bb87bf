package onnx

import (
	"errors"
	"fmt"
	"reflect"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/descent-ml/descent/onnx/internal/onnxpb"
)

// Protobuf lets a few bytes stand for a large decoded value: an empty
// sub-message is two bytes on the wire and a struct of a hundred or more
// in memory, so a 20 MB file of them decoded into 2.2 GB. checkWire walks
// the wire format first, without allocating, and adds up what decoding
// would allocate; Unmarshal refuses a file whose estimate exceeds
// decodeBudget.

// maxNesting bounds how deeply messages nest (graphs inside attributes
// inside nodes of graphs); descent's chains need three levels, and
// exporters' control-flow subgraphs a few more.
const maxNesting = 64

// decodeBudget returns the most bytes decoding a file of n bytes may
// allocate: four times its size, enough for files whose weights are
// stored as raw bytes or packed numbers, plus 1 MiB for the messages of a
// small graph, whose structs outweigh their bytes.
func decodeBudget(n int) int64 { return 4*int64(n) + 1<<20 }

// errOverBudget stops the walk once the estimate passes the budget.
var errOverBudget = errors.New("over budget")

// checkWire reports whether b, a message of type md, would decode
// within budget bytes, and describes what is wrong with it otherwise.
func checkWire(b []byte, md protoreflect.MessageDescriptor, budget int64) error {
	w := wireWalk{left: budget}
	err := w.message(b, md, 1)
	if errors.Is(err, errOverBudget) {
		return fmt.Errorf("decoding its %d bytes would take more than %d bytes of memory (a file of many empty or tiny messages?)", len(b), budget)
	}
	return err
}

type wireWalk struct{ left int64 }

// spend takes n bytes from the budget.
func (w *wireWalk) spend(n int64) error {
	w.left -= n
	if w.left < 0 {
		return errOverBudget
	}
	return nil
}

// message walks one message's fields, spending what decoding each would
// allocate: the struct itself, a pointer (doubled for slice growth) for
// each element of a repeated field, string and byte contents with their
// headers, eight bytes per number, and unknown fields' raw bytes, which
// the decoder keeps.
func (w *wireWalk) message(b []byte, md protoreflect.MessageDescriptor, depth int) error {
	if depth > maxNesting {
		return fmt.Errorf("messages nested more than %d deep", maxNesting)
	}
	if err := w.spend(structSize(md)); err != nil {
		return err
	}
	fields := md.Fields()
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return protowire.ParseError(n)
		}
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if m < 0 {
			return protowire.ParseError(m)
		}
		val := b[n : n+m]
		b = b[n+m:]
		fd := fields.ByNumber(num)
		if fd == nil {
			if err := w.spend(2 * int64(n+m)); err != nil {
				return err
			}
			continue
		}
		grow := int64(1)
		if fd.IsList() {
			grow = 2 // append doubles a slice's backing array
		}
		if fd.ContainingOneof() != nil {
			if err := w.spend(16); err != nil { // the oneof's wrapper
				return err
			}
		}
		if typ != protowire.BytesType {
			if err := w.spend(8 * grow); err != nil {
				return err
			}
			continue
		}
		v, _ := protowire.ConsumeBytes(val)
		var cost int64
		switch fd.Kind() {
		case protoreflect.MessageKind, protoreflect.GroupKind:
			if err := w.spend(8 * grow); err != nil {
				return err
			}
			if err := w.message(v, fd.Message(), depth+1); err != nil {
				return err
			}
			continue
		case protoreflect.StringKind, protoreflect.BytesKind:
			cost = 24*grow + int64(len(v))
		default: // packed numbers: at most one per byte, eight bytes each
			cost = 8 * int64(len(v)) * grow
		}
		if err := w.spend(cost); err != nil {
			return err
		}
	}
	return nil
}

// structSizes holds, by message name, the size of the Go struct a
// message decodes into, rounded up for the allocator's size classes.
var structSizes = map[protoreflect.FullName]int64{}

func init() {
	var add func(protoreflect.MessageDescriptors)
	add = func(ms protoreflect.MessageDescriptors) {
		for i := range ms.Len() {
			md := ms.Get(i)
			mt, err := protoregistry.GlobalTypes.FindMessageByName(md.FullName())
			if err != nil {
				panic("onnx: " + err.Error()) // the generated package registers them all
			}
			structSizes[md.FullName()] = int64(reflect.TypeOf(mt.Zero().Interface()).Elem().Size())*5/4 + 16
			add(md.Messages())
		}
	}
	add(onnxpb.File_onnx_proto.Messages())
}

// structSize is the decoded size of a message of type md.
func structSize(md protoreflect.MessageDescriptor) int64 {
	if s, ok := structSizes[md.FullName()]; ok {
		return s
	}
	return 256 // not one of ours; a generous guess
}
