# syntax=docker/dockerfile:1
# EasyHard: one image for every role; the role is chosen by arguments (`run --role ingest|scorer|sink|all`).
#
#   docker build -t easyhard .                                           # CPU (libtorch-cpu natives)
#   docker build -t easyhard-cuda --build-arg TORCH_DEVICE=cuda .        # GPU (TorchSharp-cuda-linux natives)
#
# The CUDA image carries libtorch's CUDA runtime libraries from NuGet (several GB); the GPU driver itself comes
# from the host through the NVIDIA container runtime (`--gpus all`, or `nvidia.com/gpu` on Kubernetes).

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
ARG TORCH_DEVICE=cpu
WORKDIR /src
# Restore first, from the project files only, so that source edits do not invalidate the package layer.
COPY global.json .editorconfig Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/Contracts/EasyHard.Contracts.csproj src/Contracts/
COPY src/Core/EasyHard.Core.csproj src/Core/
COPY src/Ingest/EasyHard.Ingest.csproj src/Ingest/
COPY src/Scorer/EasyHard.Scorer.csproj src/Scorer/
COPY src/Sink/EasyHard.Sink.csproj src/Sink/
COPY src/Evaluation/EasyHard.Evaluation.csproj src/Evaluation/
COPY src/Host/EasyHard.Host.csproj src/Host/
RUN dotnet restore src/Host/EasyHard.Host.csproj -p:TorchDevice=${TORCH_DEVICE}
# The benchmarks (src/Bench) are not part of the image.
COPY src/ src/
RUN dotnet publish src/Host/EasyHard.Host.csproj -c Release --no-restore -o /app -p:TorchDevice=${TORCH_DEVICE} \
    && rm -rf /app/runtimes/win* /app/runtimes/osx*

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS runtime
ARG TORCH_DEVICE=cpu
LABEL org.opencontainers.image.title="easyhard" \
      org.opencontainers.image.description="EasyHard stream processor (Kafka -> TorchSharp scoring -> SQL + trainer stream)" \
      io.easyhard.torch-device="${TORCH_DEVICE}"
WORKDIR /app
COPY --from=build /app .
# State (scorer checkpoint, SQLite file when used) lives under /var/lib/easyhard, owned by the non-root user
# the base image provides ($APP_UID = 1654, "app").
RUN mkdir -p /var/lib/easyhard && chown "$APP_UID:$APP_UID" /var/lib/easyhard
USER $APP_UID
ENV Http__BindAddress=0.0.0.0 \
    Http__Port=9400 \
    Scorer__CheckpointPath=/var/lib/easyhard/scorer.ckpt \
    Sink__Database__ConnectionString="Data Source=/var/lib/easyhard/easyhard.db"
EXPOSE 9400
VOLUME ["/var/lib/easyhard"]
ENTRYPOINT ["dotnet", "/app/easyhard.dll"]
CMD ["run", "--role", "all"]
