// Tiny helpers over onnx-proto to write ONNX graphs in code: enough for test models.
import { onnx } from 'onnx-proto';

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;

export type Dim = number | string;

export function valueInfo(name: string, elemType: number, dims: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function floatTensor(name: string, dims: number[], data: Float32Array | number[]): onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(Float32Array.from(data).buffer) };
}

export function int64Tensor(name: string, dims: number[], data: number[]): onnx.ITensorProto {
  return {
    name,
    dims,
    dataType: INT64,
    rawData: new Uint8Array(BigInt64Array.from(data.map(BigInt)).buffer),
  };
}

export function node(
  opType: string,
  input: string[],
  output: string[],
  attrs: Record<string, number | number[]> = {},
): onnx.INodeProto {
  const attribute: onnx.IAttributeProto[] = Object.entries(attrs).map(([name, v]) =>
    Array.isArray(v)
      ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v }
      : { name, type: onnx.AttributeProto.AttributeType.INT, i: v },
  );
  return { opType, input, output, attribute, name: `${opType}_${output[0]}` };
}

export function model(graph: onnx.IGraphProto, opset = 17): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'cogtrace-fake-model',
    opsetImport: [{ domain: '', version: opset }],
    graph,
  }).finish();
}

/** Deterministic weights so fixtures are reproducible. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) / 2 ** 32) * 2 - 1;
  };
}

export function randomTensor(
  name: string,
  dims: number[],
  scale: number,
  rand: () => number,
): onnx.ITensorProto {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rand() * scale;
  return floatTensor(name, dims, data);
}
