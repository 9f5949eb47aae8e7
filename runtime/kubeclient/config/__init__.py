"""Client configuration: kubeconfig loading (clientcmd's rules), in-cluster config, credentials, `config view`."""

from kubeclient.config.errors import ConfigError
from kubeclient.config.exec_plugin import ExecConfig, ExecCredential, ExecProvider
from kubeclient.config.incluster import load_incluster_config
from kubeclient.config.kubeconfig import KubeConfig, kubeconfig_chain, load_chain, merge, parse_file
from kubeclient.config.loader import config_from_kubeconfig, load_config
from kubeclient.config.model import Config
from kubeclient.config.view import view

__all__ = [
    "Config",
    "ConfigError",
    "ExecConfig",
    "ExecCredential",
    "ExecProvider",
    "KubeConfig",
    "config_from_kubeconfig",
    "kubeconfig_chain",
    "load_chain",
    "load_config",
    "load_incluster_config",
    "merge",
    "parse_file",
    "view",
]
