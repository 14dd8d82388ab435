# s3emu's standalone server in a container, from the wheel `make wheel` builds (what users
# install): `make image`, then `docker run --rm -p 127.0.0.1:9000:9000 s3emu:dev`.
# Inside the container it binds 0.0.0.0 (the container's own network; publish the port on
# 127.0.0.1 as above to keep it on this machine). The admin API stays off on that address
# unless `--admin` (then with a token); /_s3emu/health answers the health check.
FROM python:3.12-slim
COPY dist/ /tmp/dist/
RUN pip install --no-cache-dir /tmp/dist/s3emu-*.whl && rm -rf /tmp/dist \
    && useradd --system --uid 10001 --no-create-home s3emu
USER s3emu
EXPOSE 9000
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9000/_s3emu/health', timeout=2)"]
ENTRYPOINT ["s3emu", "serve", "--host", "0.0.0.0", "--port", "9000"]
