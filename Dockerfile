# Static binary on a distroless base, non-root.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/vnstock-api ./cmd/vnstock-api

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/vnstock-api /vnstock-api
USER nonroot:nonroot
EXPOSE 8080
ENV VNSTOCK_ADDR=0.0.0.0:8080
ENTRYPOINT ["/vnstock-api", "serve"]
