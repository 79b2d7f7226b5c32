#!/usr/bin/python3
"""An independent gRPC reflection client (Debian's python3-grpcio + python3-protobuf, C core).

Resolves maglev.Maglev the way grpcurl does: list_services, file_containing_symbol for the
service, file_by_filename for every dependency not seen yet (recursively), then builds a fresh
descriptor pool from what the server sent and looks the service up. Finally it calls two RPCs
with message classes made from those descriptors, to prove they are usable, and prints a JSON
summary for the calling test.

The reflection messages themselves are declared here by hand (no grpc_tools, no generated
stubs, nothing taken from the server under test).

Usage: reflection_client.py HOST:PORT [v1|v1alpha] [--ca FILE [--cert FILE --key FILE]
                                                   [--server-name NAME]]

With --ca the channel is TLS (grpc.ssl_channel_credentials), with --cert/--key it presents a
client certificate (mTLS), and --server-name overrides the name checked against the server's
certificate, as maglevc's --tls-* flags do.
"""

import argparse
import json

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto


def message_class(pool, name):
    desc = pool.FindMessageTypeByName(name)
    get = getattr(message_factory, "GetMessageClass", None)
    return get(desc) if get else message_factory.MessageFactory(pool).GetPrototype(desc)


def reflection_stubs(package):
    """ServerReflectionRequest/Response, declared field by field from the public proto."""
    fdp = descriptor_pb2.FileDescriptorProto(
        name="interop_reflection_%s.proto" % package.replace(".", "_"), package=package, syntax="proto3"
    )

    def field(msg, name, number, ftype, type_name=None, oneof=None, repeated=False):
        f = msg.field.add(name=name, number=number, type=ftype)
        f.label = F.LABEL_REPEATED if repeated else F.LABEL_OPTIONAL
        if type_name:
            f.type_name = "." + package + "." + type_name
        if oneof is not None:
            f.oneof_index = oneof

    ext = fdp.message_type.add(name="ExtensionRequest")
    field(ext, "containing_type", 1, F.TYPE_STRING)
    field(ext, "extension_number", 2, F.TYPE_INT32)

    req = fdp.message_type.add(name="ServerReflectionRequest")
    req.oneof_decl.add(name="message_request")
    field(req, "host", 1, F.TYPE_STRING)
    field(req, "file_by_filename", 3, F.TYPE_STRING, oneof=0)
    field(req, "file_containing_symbol", 4, F.TYPE_STRING, oneof=0)
    field(req, "file_containing_extension", 5, F.TYPE_MESSAGE, "ExtensionRequest", oneof=0)
    field(req, "all_extension_numbers_of_type", 6, F.TYPE_STRING, oneof=0)
    field(req, "list_services", 7, F.TYPE_STRING, oneof=0)

    fdr = fdp.message_type.add(name="FileDescriptorResponse")
    field(fdr, "file_descriptor_proto", 1, F.TYPE_BYTES, repeated=True)
    enr = fdp.message_type.add(name="ExtensionNumberResponse")
    field(enr, "base_type_name", 1, F.TYPE_STRING)
    field(enr, "extension_number", 2, F.TYPE_INT32, repeated=True)
    svc = fdp.message_type.add(name="ServiceResponse")
    field(svc, "name", 1, F.TYPE_STRING)
    lsr = fdp.message_type.add(name="ListServiceResponse")
    field(lsr, "service", 1, F.TYPE_MESSAGE, "ServiceResponse", repeated=True)
    err = fdp.message_type.add(name="ErrorResponse")
    field(err, "error_code", 1, F.TYPE_INT32)
    field(err, "error_message", 2, F.TYPE_STRING)

    resp = fdp.message_type.add(name="ServerReflectionResponse")
    resp.oneof_decl.add(name="message_response")
    field(resp, "valid_host", 1, F.TYPE_STRING)
    field(resp, "original_request", 2, F.TYPE_MESSAGE, "ServerReflectionRequest")
    field(resp, "file_descriptor_response", 4, F.TYPE_MESSAGE, "FileDescriptorResponse", oneof=0)
    field(resp, "all_extension_numbers_response", 5, F.TYPE_MESSAGE, "ExtensionNumberResponse", oneof=0)
    field(resp, "list_services_response", 6, F.TYPE_MESSAGE, "ListServiceResponse", oneof=0)
    field(resp, "error_response", 7, F.TYPE_MESSAGE, "ErrorResponse", oneof=0)

    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return (
        message_class(pool, package + ".ServerReflectionRequest"),
        message_class(pool, package + ".ServerReflectionResponse"),
    )


class Reflection:
    """One ServerReflectionInfo stream per request (as simple clients do)."""

    def __init__(self, channel, package):
        self.Request, self.Response = reflection_stubs(package)
        self.call = channel.stream_stream(
            "/%s.ServerReflection/ServerReflectionInfo" % package,
            request_serializer=self.Request.SerializeToString,
            response_deserializer=self.Response.FromString,
        )
        self.requests = 0

    def ask(self, **kwargs):
        self.requests += 1
        responses = list(self.call(iter([self.Request(**kwargs)]), timeout=20))
        if len(responses) != 1:
            raise SystemExit("expected one reflection response, got %d" % len(responses))
        resp = responses[0]
        if resp.WhichOneof("message_response") == "error_response":
            raise LookupError("%d %s" % (resp.error_response.error_code, resp.error_response.error_message))
        return resp


def read(path):
    with open(path, "rb") as f:
        return f.read()


def open_channel(args):
    if args.ca is None:
        return grpc.insecure_channel(args.target)
    creds = grpc.ssl_channel_credentials(
        root_certificates=read(args.ca),
        private_key=read(args.key) if args.key else None,
        certificate_chain=read(args.cert) if args.cert else None,
    )
    options = [("grpc.ssl_target_name_override", args.server_name)] if args.server_name else []
    return grpc.secure_channel(args.target, creds, options)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("target")
    parser.add_argument("version", nargs="?", default="v1", choices=["v1", "v1alpha"])
    parser.add_argument("--ca")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--server-name")
    args = parser.parse_args()
    package = "grpc.reflection." + args.version
    channel = open_channel(args)
    refl = Reflection(channel, package)

    services = [s.name for s in refl.ask(list_services="").list_services_response.service]

    # grpcurl: the file that declares the symbol ...
    first = refl.ask(file_containing_symbol="maglev.Maglev").file_descriptor_response.file_descriptor_proto
    files = {}
    root = descriptor_pb2.FileDescriptorProto.FromString(first[0])
    files[root.name] = root

    # ... then each dependency by file name, recursively, unless already known.
    by_filename = []
    pending = list(root.dependency)
    while pending:
        name = pending.pop(0)
        if name in files:
            continue
        got = refl.ask(file_by_filename=name).file_descriptor_response.file_descriptor_proto
        fd = descriptor_pb2.FileDescriptorProto.FromString(got[0])
        if fd.name != name:
            raise SystemExit("asked for %s, got %s" % (name, fd.name))
        files[name] = fd
        by_filename.append(name)
        pending.extend(fd.dependency)

    # A fresh pool with only what the server sent, dependencies first.
    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(name):
        if name in added:
            return
        for dep in files[name].dependency:
            add(dep)
        pool.Add(files[name])
        added.add(name)

    add(root.name)
    service = pool.FindServiceByName("maglev.Maglev")
    methods = [m.name for m in service.methods]
    record = pool.FindMessageTypeByName("maglev.TransitionRecord")
    time_type = record.fields_by_name["time"].message_type.full_name
    interval_type = pool.FindMessageTypeByName("maglev.HealthCheckInfo").fields_by_name["interval"].message_type.full_name

    # An unknown symbol is an error response, not a broken stream.
    try:
        refl.ask(file_containing_symbol="maglev.NoSuchThing")
        unknown_symbol = "found?!"
    except LookupError as e:
        unknown_symbol = str(e)

    # The descriptors are good enough to call the service.
    def unary(method, request_fields):
        m = service.FindMethodByName(method)
        Req = message_class(pool, m.input_type.full_name)
        Res = message_class(pool, m.output_type.full_name)
        call = channel.unary_unary(
            "/maglev.Maglev/" + method,
            request_serializer=Req.SerializeToString,
            response_deserializer=Res.FromString,
        )
        return call(Req(**request_fields), timeout=20)

    frontends = unary("ListFrontends", {})
    backend = unary("GetBackend", {"name": "nginx0-fra"})
    try:
        unary("GetBackend", {"name": "ghost"})
        not_found = "OK?!"
    except grpc.RpcError as e:
        not_found = e.code().name

    print(
        json.dumps(
            {
                "services": services,
                "root": root.name,
                "root_dependencies": list(root.dependency),
                "by_filename": by_filename,
                "pool_files": sorted(added),
                "methods": methods,
                "transition_time_type": time_type,
                "interval_type": interval_type,
                "unknown_symbol": unknown_symbol,
                "frontend_names": list(frontends.names),
                "backend_state": backend.state,
                "first_transition_seconds": backend.transitions[0].time.seconds,
                "not_found": not_found,
                "reflection_requests": refl.requests,
            }
        )
    )
    channel.close()


if __name__ == "__main__":
    main()
