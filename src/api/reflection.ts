// gRPC server reflection (grpc.reflection.v1 and v1alpha, one wire format) served from the exact
// FileDescriptorProtos `buf build` produced, imports included. @grpc/reflection re-synthesises
// descriptors and loses the imports (grpc-node#2958), so clients like grpcurl cannot resolve
// google.protobuf.Timestamp; serving buf's own descriptors keeps file names and dependency
// lists intact.

import {
  createFileRegistry,
  fromBinary,
  toBinary,
  type DescFile,
  type FileRegistry,
} from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { status, type handleBidiStreamingCall, type Server } from '@grpc/grpc-js';
import { descriptorSetBase64 } from './gen/descriptor-set.js';
import {
  ServerReflectionService as ReflectionV1,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
} from './gen/grpc/reflection/v1/reflection.js';
import { ServerReflectionService as ReflectionV1Alpha } from './gen/grpc/reflection/v1alpha/reflection.js';

export const REFLECTION_SERVICES = [
  'grpc.reflection.v1.ServerReflection',
  'grpc.reflection.v1alpha.ServerReflection',
] as const;

/** Files by name and symbols by full name, from a serialized FileDescriptorSet. */
export class DescriptorIndex {
  private readonly registry: FileRegistry;
  private readonly bytes = new Map<string, Buffer>();
  private readonly files = new Map<string, DescFile>();

  constructor(descriptorSet: Uint8Array) {
    this.registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));
    // DescFile.name drops ".proto"; clients ask by the real file name, which proto.name keeps.
    for (const file of this.registry.files) {
      this.files.set(file.proto.name, file);
      this.bytes.set(file.proto.name, Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto)));
    }
  }

  /** The descriptor set committed with the generated code (maglev.proto and its imports). */
  static builtin(): DescriptorIndex {
    return new DescriptorIndex(Buffer.from(descriptorSetBase64, 'base64'));
  }

  hasService(name: string): boolean {
    return this.registry.getService(name) !== undefined;
  }

  fileBytes(name: string): Buffer | undefined {
    return this.bytes.get(name);
  }

  /** Name of the file declaring a type, service, method, field, oneof or enum value. */
  fileContainingSymbol(symbol: string): string | undefined {
    const direct = this.registry.get(symbol);
    if (direct) return direct.file.proto.name;
    const dot = symbol.lastIndexOf('.');
    if (dot <= 0) return undefined;
    const parent = this.registry.get(symbol.slice(0, dot));
    const member = symbol.slice(dot + 1);
    if (!parent) return undefined;
    switch (parent.kind) {
      case 'service':
        return parent.methods.some((m) => m.name === member) ? parent.file.proto.name : undefined;
      case 'message': {
        const found =
          parent.fields.some((f) => f.name === member) ||
          parent.oneofs.some((o) => o.name === member) ||
          parent.nestedEnums.some((e) => e.values.some((v) => v.name === member));
        return found ? parent.file.proto.name : undefined;
      }
      case 'enum':
        return parent.values.some((v) => v.name === member) ? parent.file.proto.name : undefined;
      default:
        return undefined;
    }
  }

  /** Transitive imports of a file, nearest first. */
  dependencies(name: string): string[] {
    const out: string[] = [];
    const seen = new Set([name]);
    const walk = (fileName: string) => {
      for (const dep of this.files.get(fileName)?.dependencies ?? []) {
        const depName = dep.proto.name;
        if (seen.has(depName)) continue;
        seen.add(depName);
        out.push(depName);
        walk(depName);
      }
    };
    walk(name);
    return out;
  }

  fileContainingExtension(typeName: string, number: number): string | undefined {
    for (const t of this.registry) {
      if (t.kind === 'extension' && t.extendee.typeName === typeName && t.number === number)
        return t.file.proto.name;
    }
    return undefined;
  }

  /** Extension field numbers of a message type; undefined when the type is unknown. */
  extensionNumbers(typeName: string): number[] | undefined {
    if (!this.registry.getMessage(typeName)) return undefined;
    const numbers: number[] = [];
    for (const t of this.registry) {
      if (t.kind === 'extension' && t.extendee.typeName === typeName) numbers.push(t.number);
    }
    return numbers;
  }
}

type ReflectionReply = ServerReflectionResponse['messageResponse'];

function notFound(message: string): ReflectionReply {
  return { $case: 'errorResponse', value: { errorCode: status.NOT_FOUND, errorMessage: message } };
}

/**
 * Answers one request. `sent` holds files already sent on this stream: like grpc-go, the
 * requested file always goes out, its dependencies only once per stream.
 */
export function answerReflection(
  index: DescriptorIndex,
  services: readonly string[],
  req: ServerReflectionRequest,
  sent: Set<string>,
): ServerReflectionResponse {
  const files = (name: string | undefined, what: string): ReflectionReply => {
    const bytes = name === undefined ? undefined : index.fileBytes(name);
    if (name === undefined || !bytes) return notFound(`${what} not found`);
    const out = [bytes];
    sent.add(name);
    for (const dep of index.dependencies(name)) {
      if (sent.has(dep)) continue;
      sent.add(dep);
      out.push(index.fileBytes(dep) as Buffer);
    }
    return { $case: 'fileDescriptorResponse', value: { fileDescriptorProto: out } };
  };

  let reply: ReflectionReply;
  const r = req.messageRequest;
  switch (r?.$case) {
    case 'listServices':
      reply = { $case: 'listServicesResponse', value: { service: services.map((name) => ({ name })) } };
      break;
    case 'fileByFilename':
      reply = files(index.fileBytes(r.value) ? r.value : undefined, `file "${r.value}"`);
      break;
    case 'fileContainingSymbol':
      reply = files(index.fileContainingSymbol(r.value), `symbol "${r.value}"`);
      break;
    case 'fileContainingExtension':
      reply = files(
        index.fileContainingExtension(r.value.containingType, r.value.extensionNumber),
        `extension ${r.value.containingType}(${r.value.extensionNumber})`,
      );
      break;
    case 'allExtensionNumbersOfType': {
      const numbers = index.extensionNumbers(r.value);
      reply = numbers
        ? { $case: 'allExtensionNumbersResponse', value: { baseTypeName: r.value, extensionNumber: numbers } }
        : notFound(`type "${r.value}" not found`);
      break;
    }
    case undefined:
      reply = {
        $case: 'errorResponse',
        value: { errorCode: status.INVALID_ARGUMENT, errorMessage: 'no message_request set' },
      };
      break;
  }
  return { validHost: req.host, originalRequest: req, messageResponse: reply };
}

function reflectionHandler(
  index: DescriptorIndex,
  services: readonly string[],
): handleBidiStreamingCall<ServerReflectionRequest, ServerReflectionResponse> {
  return (call) => {
    const sent = new Set<string>();
    call.on('data', (req: ServerReflectionRequest) => {
      call.write(answerReflection(index, services, req, sent));
    });
    call.on('end', () => call.end());
    // A client that goes away mid-stream is not our error.
    call.on('error', () => {});
  };
}

/**
 * Registers reflection v1 and v1alpha on a server. `services` is what list_services reports:
 * every service the server exposes, each of which must be in the descriptor set.
 */
export function addReflection(server: Server, index: DescriptorIndex, services: readonly string[]): void {
  for (const s of services) {
    if (!index.hasService(s)) throw new Error(`reflection: service ${s} is not in the descriptor set`);
  }
  const handler = reflectionHandler(index, services);
  server.addService(ReflectionV1, { serverReflectionInfo: handler });
  // v1alpha has the same messages under another package; the v1 codec reads and writes them.
  server.addService(ReflectionV1Alpha, { serverReflectionInfo: handler });
}
